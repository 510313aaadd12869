#!/bin/bash
# The sandbox image's entrypoint (under tini). Only the EBS volume at
# /sandbox survives a stop, so the whole environment lives on it: on the
# first boot of a volume the image's own root file system is copied to
# /sandbox/root, and every boot makes that root usable for a chroot
# before the agent starts. See README.md beside this file.
set -euo pipefail

volume="${AUTERYN_VOLUME:-/sandbox}"
root="${AUTERYN_ROOT:-$volume/root}"
seed_source="${AUTERYN_SEED_SOURCE:-/}"
bundle="${AUTERYN_AGENT_BUNDLE:-/opt/auteryn/agent.mjs}"
marker="$root/.auteryn-seeded"
export AUTERYN_ROOT="$root"

# One JSON line, like the agent's own logs. Messages are fixed strings.
log() {
  printf '{"level":"%s","message":"%s","service":"auteryn-agent","sandboxId":"%s","timestamp":"%s"}\n' \
    "$1" "$2" "${AUTERYN_SANDBOX_ID:-}" "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)"
}

require_volume() {
  if [ "${AUTERYN_REQUIRE_VOLUME:-1}" = 1 ] && ! mountpoint -q "$volume"; then
    # Without the volume everything written would vanish with the task.
    log ERROR "no volume is mounted at the sandbox volume path: refusing to start"
    exit 1
  fi
}

# Copies the image's root, leaving out what is not the image's: kernel
# file systems, the volume itself, scratch space and the agent.
seed() {
  log INFO "first boot of this volume: copying the image into the sandbox root"
  mkdir -p "$root"
  tar --create --file=- --directory="$seed_source" --numeric-owner \
    --xattrs --xattrs-include='security.capability' --xattrs-include='user.*' \
    --anchored --exclude=./proc --exclude=./sys --exclude=./dev \
    --exclude=./tmp --exclude=./run --exclude=./sandbox \
    --exclude="./${volume#/}" --exclude=./opt/auteryn . |
    tar --extract --file=- --directory="$root" --numeric-owner \
      --xattrs --xattrs-include='security.capability' --xattrs-include='user.*' \
      --preserve-permissions
  mkdir -p "$root"/{proc,sys,dev,tmp,run}
  chmod 1777 "$root/tmp"

  # The marker goes last: a boot that dies mid-copy seeds again.
  sync -f "$root"
  date -u +%Y-%m-%dT%H:%M:%SZ >"$marker.partial"
  mv -f "$marker.partial" "$marker"
  sync -f "$root"
  log INFO "sandbox root seeded"
}

# What a chroot lacks and the task can still provide without
# CAP_SYS_ADMIN: device nodes (CAP_MKNOD is in Docker's default set),
# and the network files ECS writes for this task.
prepare_root() {
  mkdir -p "$root/dev/shm" "$root/dev/pts"
  chmod 1777 "$root/dev/shm"
  local name major minor
  for node in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
    IFS=: read -r name major minor <<<"$node"
    if [ ! -c "$root/dev/$name" ]; then
      rm -rf "${root:?}/dev/$name"
      mknod -m 666 "$root/dev/$name" c "$major" "$minor" ||
        log WARN "cannot make device nodes in the sandbox root"
    fi
  done
  ln -sfn /proc/self/fd "$root/dev/fd"
  ln -sfn /proc/self/fd/0 "$root/dev/stdin"
  ln -sfn /proc/self/fd/1 "$root/dev/stdout"
  ln -sfn /proc/self/fd/2 "$root/dev/stderr"

  mkdir -p "$root/etc"
  for file in resolv.conf hosts hostname; do
    if [ -f "/etc/$file" ]; then
      cp --remove-destination -L "/etc/$file" "$root/etc/$file" ||
        log WARN "cannot refresh the network files of the sandbox root"
    fi
  done

  mkdir -p "$root"/home/agent/{code,data,output,logs}
}

require_volume
[ -f "$marker" ] || seed
prepare_root
log INFO "starting the agent"
exec node --enable-source-maps "$bundle"
