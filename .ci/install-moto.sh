#!/usr/bin/env bash
# Installs moto_server for the AWS adapter tests, idempotently.
#
# Debian 12 has no python3-moto, but Debian 13's python3-moto runs on
# Debian 12's python3 with Debian 12's libraries. So: the libraries come
# from apt as usual; moto's .deb is fetched from trixie through a
# temporary sources list (the system's own apt configuration is never
# touched) and unpacked with dpkg -x into .tmp/moto, together with
# trixie's python3-jsonpath-ng (pure Python, not in Debian 12; moto's
# EventBridge needs it to deliver to archives and templated targets).
# Tests then run
#   PYTHONPATH=.tmp/moto/usr/lib/python3/dist-packages \
#     /usr/bin/python3 -m moto.server -H 127.0.0.1 -p PORT
set -euo pipefail
cd "$(dirname "$0")/.."

target=.tmp/moto
site="$target/usr/lib/python3/dist-packages"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
export DEBIAN_FRONTEND=noninteractive

# What moto's server imports for EC2, ECS, EventBridge, S3 and DynamoDB
# (and what its .deb depends on or recommends that Debian 12 has).
deps=(
  python3-boto3 python3-botocore python3-werkzeug python3-flask
  python3-flask-cors python3-responses python3-xmltodict python3-jinja2
  python3-cryptography python3-dateutil python3-yaml python3-requests
  python3-antlr4 python3-pyparsing python3-multipart python3-jsondiff
  python3-ply
)
# Fetched from trixie: not in Debian 12.
from_trixie=(python3-moto python3-jsonpath-ng)

missing=()
for package in "${deps[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null |
    grep -q 'install ok installed' || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-moto: apt-get install ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-moto: python libraries already installed"
fi

imports='import moto.server, jsonpath_ng.ext'
works() {
  PYTHONPATH="$site" /usr/bin/python3 -c "$imports" 2>/dev/null
}
if [ -f "$site/moto/__init__.py" ] && works; then
  echo "install-moto: moto already unpacked in $target"
  exit 0
fi

# The same mirror the system uses for Debian (not -security), from its
# deb822 sources; deb.debian.org when none is found.
uri=$(
  grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null |
    awk '{ print $2 }' | grep -v security | head -n 1 || true
)
uri=${uri:-http://deb.debian.org/debian}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work" # apt's _apt user downloads into it
mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
echo "deb [signed-by=$keyring] $uri trixie main" >"$work/sources.list"
apt_tmp=(
  -o "Dir::Etc::SourceList=$work/sources.list"
  -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$work/lists"
  -o "Dir::Cache=$work/cache"
)

echo "install-moto: fetching ${from_trixie[*]} from $uri trixie"
apt-get "${apt_tmp[@]}" update -qq
(cd "$work" && apt-get "${apt_tmp[@]}" download "${from_trixie[@]}")

rm -rf "$target"
mkdir -p "$target"
for deb in "$work"/*.deb; do
  echo "install-moto: unpacking $(basename "$deb") into $target"
  dpkg -x "$deb" "$target"
done

works || {
  echo "install-moto: moto does not import; see:" >&2
  PYTHONPATH="$site" /usr/bin/python3 -c "$imports" >&2
  exit 1
}
echo "install-moto: moto $(
  PYTHONPATH="$site" /usr/bin/python3 -c 'import moto; print(moto.__version__)'
) ready"
