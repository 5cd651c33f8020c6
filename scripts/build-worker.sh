#!/usr/bin/env bash
# Builds mediasoup-worker (the C++ SFU worker that RxMediasoup drives) and installs it into the
# per-user cache where the library looks for it:
#   ${RXMEDIASOUP_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/rxmediasoup}/mediasoup-worker/<version>/mediasoup-worker
#
# Sources: `npm pack mediasoup@<version>`. Meson subprojects come from an offline vendor folder when
# one exists (MEDIASOUP_VENDOR_DIR, else ../shared/vendor/mediasoup-worker-<version> beside the repo);
# otherwise meson downloads its wraps (machines with internet access).
# The version is the one in Directory.Build.props (<MediasoupVersion>), the library's only record of it;
# MEDIASOUP_VERSION_TO_BUILD overrides it (e.g. to build an older worker for interop tests).
# The worker gets a one-line DTLS fix (see scripts/patches/dtls-bio-callback-return.patch): onSslBioOut
# must test the BIO_CB_RETURN bit, not compare the whole operation type; without it Debian's kTLS-enabled
# OpenSSL makes the worker crash on a browser's first DTLS ClientHello. It is applied as an edit of that
# one line (context-free, so it survives upstream moving lines) and the build stops if it did not apply.
#
# Idempotent (a cached binary returns in well under a second), safe to run concurrently (flock +
# atomic rename), installs its apt packages when run as root and they are missing.
#
# Options: --force (rebuild even if cached), --lib (also build libmediasoup-worker.so beside the
# binary, for WorkerMode.InProcess; with a cached binary only the library is added), --print-path.
# --lib compiles the worker's own sources a second time (the executable's have -DMS_EXECUTABLE): 704
# ninja steps instead of 488 for the binary alone (measured: 15 min 20 s, 21.6 CPU-min, for both on
# 2 shared cores); the subprojects compile once. BUILD_WORKER_KEEP=1 keeps the build folder.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
VERSION="${MEDIASOUP_VERSION_TO_BUILD:-$(sed -n 's:.*<MediasoupVersion>\(.*\)</MediasoupVersion>.*:\1:p' "$repo/Directory.Build.props")}"
[ -n "$VERSION" ] || { echo "build-worker: no <MediasoupVersion> in $repo/Directory.Build.props" >&2; exit 1; }
cache_root="${RXMEDIASOUP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/rxmediasoup}"
dest_dir="$cache_root/mediasoup-worker/$VERSION"
dest="$dest_dir/mediasoup-worker"
force=0; with_lib=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    --lib) with_lib=1 ;;
    --print-path) echo "$dest"; exit 0 ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "build-worker: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { printf '[build-worker %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

is_built() {
  [ -x "$dest" ] && [ -f "$dest_dir/BUILD-INFO" ] && { [ "$with_lib" = 0 ] || [ -f "$dest_dir/libmediasoup-worker.so" ]; }
}

if [ "$force" = 0 ] && is_built; then
  say "mediasoup-worker $VERSION is cached at $dest"
  exit 0
fi

mkdir -p "$dest_dir"
exec 9>"$dest_dir/.build.lock"
if ! flock -n 9; then
  say "another build of $VERSION is running; waiting for it"
  flock 9
fi
if [ "$force" = 0 ] && is_built; then
  say "mediasoup-worker $VERSION was built by a concurrent run: $dest"
  exit 0
fi

# --- tools --------------------------------------------------------------------------------------
need_pkgs=()
for p in meson ninja-build pkg-config libssl-dev g++ python3 patch; do
  dpkg -s "$p" >/dev/null 2>&1 || need_pkgs+=("$p")
done
if [ "${#need_pkgs[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing apt packages: ${need_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
  else
    say "missing packages: ${need_pkgs[*]} (install them, e.g. sudo apt-get install ${need_pkgs[*]})"
    exit 1
  fi
fi
command -v npm >/dev/null || { say "npm is required (to fetch mediasoup@$VERSION)"; exit 1; }

# --- sources ------------------------------------------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/rxmediasoup-worker-build.XXXXXX")"
trap '[ -n "${BUILD_WORKER_KEEP:-}" ] && echo "build-worker: kept $work" >&2 || rm -rf "$work"' EXIT
say "fetching mediasoup@$VERSION sources (npm pack)"
(cd "$work" && npm pack --silent "mediasoup@$VERSION" >/dev/null)
tar xzf "$work/mediasoup-$VERSION.tgz" -C "$work"
src="$work/package/worker"

say "applying the DTLS BIO fix"
dtls="$src/src/RTC/DtlsTransport.cpp"
sed -i 's/(operationType == BIO_CB_RETURN)/(operationType \& BIO_CB_RETURN)/' "$dtls"
if ! grep -q '(operationType & BIO_CB_RETURN)' "$dtls" || grep -q 'operationType == BIO_CB_RETURN' "$dtls"; then
  say "FATAL: the DTLS BIO fix did not apply to $dtls (the line changed upstream?):"
  grep -n 'BIO_CB_RETURN' "$dtls" >&2 || true
  say "without it the worker crashes on a browser's DTLS ClientHello; update scripts/build-worker.sh"
  exit 1
fi

vendor="${MEDIASOUP_VENDOR_DIR:-$repo/../shared/vendor/mediasoup-worker-$VERSION}"
wrap_mode=default
if [ -d "$vendor" ]; then
  say "using offline subproject sources from $vendor"
  (cd "$src/subprojects" && for f in "$vendor"/*.tar.gz; do tar xzf "$f"; done)
  for d in "$vendor"/*/; do
    case "$(basename "$d")" in patches) ;; *) cp -r "$d" "$src/subprojects/" ;; esac
  done
  chmod -R u+w "$src/subprojects"
  wrap_mode=nodownload
else
  say "no vendor folder: meson will download the subprojects"
fi

# Debian 12 ships meson 1.0.1; the worker asks for >= 1.1.0 but builds with 1.0.1.
sed -i "s/meson_version: '>= 1.1.0'/meson_version: '>= 1.0.0'/" "$src/meson.build"

# --- build --------------------------------------------------------------------------------------
build="$work/build"
say "configuring (meson, wrap-mode=$wrap_mode)"
(cd "$src" && meson setup --wrap-mode="$wrap_mode" -Dbuildtype=release -Db_ndebug=true "$build" >"$work/meson-setup.log" 2>&1) \
  || { cat "$work/meson-setup.log" >&2; exit 1; }
# One configure builds both: the executable and (with --lib) the static library, in one ninja run so
# the subprojects (libuv, libsrtp, abseil, flatbuffers, libwebrtc) compile once. The worker's own
# sources compile twice (the executable adds -DMS_EXECUTABLE), which is the --lib extra cost.
targets=(mediasoup-worker)
[ "$with_lib" = 1 ] && targets+=(libmediasoup-worker.a)
say "compiling ${targets[*]} $VERSION (cold build: ~5-12 minutes on 2 cores, more with --lib)"
if [ -t 2 ]; then ninja -C "$build" "${targets[@]}"; else
  # Non-interactive: print a progress line every 50 steps instead of ninja's one-line status.
  ninja -C "$build" "${targets[@]}" | awk 'NR % 50 == 1 { print "  " $1; fflush() } /FAILED|error:/ { print; fflush() }' >&2
fi
[ -x "$build/mediasoup-worker" ] || { say "build failed"; exit 1; }
strip "$build/mediasoup-worker" 2>/dev/null || true

if [ "$with_lib" = 1 ]; then
  # libmediasoup-worker.a bundles the subprojects' static libraries (meson link_whole), all built
  # position-independent (meson's b_staticpic default); OpenSSL is the system one (the vendor stand-in
  # links it statically into the executable; the shared library takes libssl.so.3 / libcrypto.so.3).
  [ -f "$build/libmediasoup-worker.a" ] || { say "build failed: no libmediasoup-worker.a"; exit 1; }
  say "linking libmediasoup-worker.so"
  g++ -shared -o "$build/libmediasoup-worker.so" -Wl,--whole-archive "$build/libmediasoup-worker.a" \
      -Wl,--no-whole-archive -Wl,-z,defs -lssl -lcrypto -lpthread -ldl
  # (nm's output is kept first: `nm | grep -q` fails under pipefail when grep exits before nm is done.)
  exports="$(nm -D --defined-only "$build/libmediasoup-worker.so")"
  for sym in mediasoup_worker_run uv_async_send; do
    grep -q " T $sym\$" <<<"$exports" \
      || { say "libmediasoup-worker.so does not export $sym (the host calls it: the run, and the wake-up)"; exit 1; }
  done
  strip --strip-unneeded "$build/libmediasoup-worker.so" 2>/dev/null || true
fi

# --- install atomically -------------------------------------------------------------------------
# A cached executable is kept as it is when only the library was missing (running workers and
# their tests keep the binary they started with); --force replaces both.
if [ "$force" = 1 ] || [ ! -x "$dest" ] || [ ! -f "$dest_dir/BUILD-INFO" ]; then
  tmp="$dest.tmp.$$"
  cp "$build/mediasoup-worker" "$tmp" && chmod 755 "$tmp" && mv -f "$tmp" "$dest"
  printf 'version=%s\nbuilt=%s\nwrap_mode=%s\nvendor=%s\npatch=dtls-bio-callback-return\n' "$VERSION" "$(date -u +%FT%TZ)" "$wrap_mode" \
    "$([ "$wrap_mode" = nodownload ] && echo "$vendor" || echo none)" \
    > "$dest_dir/BUILD-INFO.tmp.$$" && mv -f "$dest_dir/BUILD-INFO.tmp.$$" "$dest_dir/BUILD-INFO"
fi
if [ "$with_lib" = 1 ]; then
  cp "$build/libmediasoup-worker.so" "$dest_dir/lib.tmp.$$" && chmod 755 "$dest_dir/lib.tmp.$$" \
    && mv -f "$dest_dir/lib.tmp.$$" "$dest_dir/libmediasoup-worker.so"
  say "installed $dest_dir/libmediasoup-worker.so"
fi
say "installed $dest"
