/**
 * Boots a sandbox inside fresh mount, PID, IPC and UTS namespaces, using
 * only host binaries: the overlay over the host's root, a private /proc,
 * a minimal /dev, read-only /sys, and an empty read-only tmpfs over the
 * data directory so that no sandbox sees the database or another
 * sandbox's files. The perl program in $6 then pivots into the overlay.
 *
 * Positional arguments: upper, work, merged, data dir, sandbox id, perl
 * program. They arrive as argv and are never spliced into the script.
 */
export const INIT_SCRIPT = `
set -eu
upper=$1 work=$2 merged=$3 data_dir=$4 sandbox_id=$5 init_program=$6

# The sandbox writes its upper layer: a symlink it planted on a mount
# target would send the mount to the host, so a target must be real.
mount_point() {
  if [ "$(realpath -m -- "$merged$1")" != "$merged$1" ]; then
    echo "unsafe mount point $1" >&2
    exit 1
  fi
  mkdir -p -- "$merged$1"
}

mount -t overlay overlay -o "lowerdir=/,upperdir=$upper,workdir=$work" "$merged"

mount_point /proc
mount -t proc -o nosuid,nodev,noexec proc "$merged/proc"
for entry in sys sysrq-trigger irq bus fs; do
  if [ -e "$merged/proc/$entry" ]; then
    mount --bind "$merged/proc/$entry" "$merged/proc/$entry"
    mount -o remount,bind,ro "$merged/proc/$entry"
  fi
done
for entry in kcore keys timer_list sched_debug; do
  if [ -e "$merged/proc/$entry" ]; then
    mount --bind /dev/null "$merged/proc/$entry"
  fi
done

mount_point /dev
mount -t tmpfs -o nosuid,noexec,mode=755,size=64k tmpfs "$merged/dev"
for device in null zero full random urandom tty; do
  touch "$merged/dev/$device"
  mount --bind "/dev/$device" "$merged/dev/$device"
done
mkdir "$merged/dev/pts" "$merged/dev/shm"
mount -t devpts -o newinstance,nosuid,noexec,ptmxmode=0666,mode=0620 devpts "$merged/dev/pts"
mount -t tmpfs -o nosuid,nodev tmpfs "$merged/dev/shm"
ln -s pts/ptmx "$merged/dev/ptmx"
ln -s /proc/self/fd "$merged/dev/fd"
ln -s /proc/self/fd/0 "$merged/dev/stdin"
ln -s /proc/self/fd/1 "$merged/dev/stdout"
ln -s /proc/self/fd/2 "$merged/dev/stderr"

mount_point /sys
mount --bind /sys "$merged/sys"
mount -o remount,bind,ro,nosuid,nodev,noexec "$merged/sys"

mount_point "$data_dir"
mount -t tmpfs -o ro,mode=755,size=4k tmpfs "$merged$data_dir"

echo "$sandbox_id" > /proc/sys/kernel/hostname
cd "$merged"
exec perl -e "$init_program"
`;

/** Joins the cgroups given before `--`, then runs the rest. */
export const JOIN_CGROUPS_SCRIPT = `
while [ "$1" != -- ]; do
  echo $$ > "$1" || exit 1
  shift
done
shift
exec "$@"
`;
