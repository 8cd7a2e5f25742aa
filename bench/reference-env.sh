#!/bin/sh
# Builds the second PyTorch reference of the benchmark: Debian 13's python3-torch 2.6 and python3-torchvision 0.21
# in a Debian 13 (trixie) root under ~/.cache, once, and a launcher beside it that the harness runs as its Python
# (`--reference torch26`, or `--python ~/.cache/ssl-anomaly/pytorch-2.6/python`).
#
# Why a chroot and not the chroot's interpreter on the host: trixie's torch is built against trixie's glibc (2.41),
# newer than the host's, so its libraries only load under trixie's own dynamic loader and file system layout.
# The launcher enters the root in a private mount namespace, so nothing it mounts outlives the process.
#
# Needs root (debootstrap, chroot, mount) and the Debian mirror; about 1.5 GB. Run again to finish a broken build:
# the debootstrap step is skipped once it has completed, and apt-get is idempotent.
set -eu

DIR="${SSL_ANOMALY_TORCH26_DIR:-$HOME/.cache/ssl-anomaly/pytorch-2.6}"
ROOT="$DIR/root"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

if [ "$(id -u)" -ne 0 ]; then
  echo "reference-env.sh: needs root (debootstrap, chroot and mount)" >&2
  exit 1
fi
command -v debootstrap >/dev/null || { echo "reference-env.sh: apt-get install debootstrap first" >&2; exit 1; }

mkdir -p "$DIR"
if [ ! -f "$DIR/.debootstrap-done" ]; then
  debootstrap --variant=minbase trixie "$ROOT" "$MIRROR"
  touch "$DIR/.debootstrap-done"
fi

# apt-get inside the root needs /proc and /dev; do it in a private mount namespace as the launcher does.
unshare --mount --propagation private /bin/sh -eu -c '
  root=$1
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  # g++, python3-dev, python3-setuptools and libtorch-dev (the ATen headers) are what torch.compile (inductor) needs to
  # build its C++ kernels on the CPU (torch.utils.cpp_extension imports setuptools); libopenblas0-pthread replaces
  # the reference BLAS behind the libblas.so.3 alternative, which would make torch about 10x slower.
  chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive apt-get update
  chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    python3-torch python3-torchvision python3-pil python3-numpy libopenblas0-pthread g++ python3-dev python3-setuptools libtorch-dev
  chroot "$root" apt-get clean
' sh "$ROOT"

cat > "$DIR/python" <<'LAUNCHER'
#!/bin/sh
# The trixie root's python3, with torch 2.6, as a drop-in interpreter for the benchmark (made by bench/reference-env.sh).
# The working directory, /tmp, and the folder of every absolute file argument are bound at the same paths inside the
# root, so `python SCRIPT.py` and the files the harness hands the script resolve as on the host. The environment
# (thread counts, OpenMP wait policy) passes through chroot unchanged.
ROOT="$(dirname "$(readlink -f "$0")")/root"
exec unshare --mount --propagation private /bin/sh -c '
  root=$1; shift
  here=$(pwd)
  mount -t proc proc "$root/proc"
  mount --rbind /sys "$root/sys"
  mount --rbind /dev "$root/dev"
  mount --bind /tmp "$root/tmp"
  bind() { mkdir -p "$root$1" && mount --bind "$1" "$root$1"; }
  case $here in /|/tmp|/tmp/*) ;; *) bind "$here" ;; esac
  for a in "$@"; do
    case $a in /tmp/*) ;; /*) [ -f "$a" ] && bind "$(dirname "$a")" ;; esac
  done
  exec chroot "$root" /bin/sh -c "cd \"\$0\" 2>/dev/null || cd /; exec /usr/bin/python3 \"\$@\"" "$here" "$@"
' sh "$ROOT" "$@"
LAUNCHER
chmod +x "$DIR/python"

"$DIR/python" -c 'import torch, torchvision; print("torch", torch.__version__, "torchvision", torchvision.__version__, "threads", torch.get_num_threads())'
echo "reference-env.sh: ready; run the bench with --reference torch26 (or --python $DIR/python)"
