#!/usr/bin/env bash
# Prints WORKER-INFO.txt of the RxMediasoup.Worker.linux-x64 package, measured from the worker binary itself:
#   bash scripts/worker-package-info.sh <mediasoup-worker> <expected version> > WORKER-INFO.txt
# Fails (exit 1, message on stderr) when the binary's build does not match the expected version or a tool is missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="${1:?usage: worker-package-info.sh <mediasoup-worker> <version>}"
version="${2:?usage: worker-package-info.sh <mediasoup-worker> <version>}"
fail() { echo "worker-package-info: $*" >&2; exit 1; }
[ -f "$bin" ] || fail "$bin does not exist"
command -v objdump >/dev/null || fail "objdump is missing (apt-get install binutils)"
info="$(dirname "$bin")/BUILD-INFO"
[ -f "$info" ] || fail "$info is missing: build the worker with scripts/build-worker.sh"
field() { sed -n "s/^$1=//p" "$info"; }
[ "$(field version)" = "$version" ] || fail "$bin is mediasoup-worker $(field version), not $version"
[ "$(field patch)" = "dtls-bio-callback-return" ] || fail "$info does not record the DTLS BIO patch"

# Highest symbol versions the binary needs from the C and C++ runtimes = the oldest runtimes it runs on.
highest() { objdump -T "$bin" | grep -o "$1[0-9.]*" | sort -uV | tail -1; }
glibc="$(highest 'GLIBC_2\.')"; glibcxx="$(highest 'GLIBCXX_')"; cxxabi="$(highest 'CXXABI_')"
needed="$(objdump -p "$bin" | awk '$1 == "NEEDED" { printf "%s%s", sep, $2; sep = ", " }')"
openssl="$(grep -aom1 'OpenSSL 3\.[0-9.]* [0-9]* [A-Z][a-z]* [0-9]*' "$bin" || true)"
case "$needed" in *libssl*|*libcrypto*) fail "$bin links OpenSSL dynamically ($needed); the package expects it static" ;; esac

cat <<INFO
RxMediasoup.Worker.linux-x64: mediasoup-worker for linux-x64 (glibc)

mediasoup-worker version: $version (sources: npm package mediasoup@$version, worker/)
built: $(field built)
sha256: $(sha256sum "$bin" | cut -d' ' -f1)
minimum glibc: ${glibc#GLIBC_} (highest GLIBC_ symbol version in objdump -T: Debian 12, Ubuntu 22.04, RHEL 9 or newer)
minimum libstdc++: $glibcxx, $cxxabi (GCC 11 or newer runtime)
shared libraries needed: $needed
OpenSSL: ${openssl:-unknown}, linked statically (Debian 12's libssl-dev)
subprojects: libuv 1.51.0, abseil-cpp 20240722.0, flatbuffers 24.3.25, unordered_dense 4.8.1,
  libsrtp 3.0.0-beta (see THIRD-PARTY-NOTICES.txt: built from cisco/libsrtp pull request #790, commit 11bec2b,
  in place of versatica's fork tag v3.0.0-beta-2fc078db), libwebrtc parts (mediasoup's worker/deps/libwebrtc, m77)

applied patch (scripts/patches/dtls-bio-callback-return.patch in the RxMediasoup repository):

INFO
cat "$here/patches/dtls-bio-callback-return.patch"
