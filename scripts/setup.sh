#!/usr/bin/env bash
# Installs the Debian packages sipsim needs. Idempotent and quiet: packages that are
# already present are skipped, and apt is only touched when something is missing.
set -euo pipefail

PACKAGES=(
    build-essential cmake ninja-build pkg-config
    ns3 libns3-dev libgsl-dev
    libboost-graph-dev libeigen3-dev
    libgtest-dev libgmock-dev libbenchmark-dev
    nlohmann-json3-dev libtomlplusplus-dev libcli11-dev libssl-dev
    libosip2-dev libsofia-sip-ua-dev libgoogle-perftools-dev libmimalloc-dev libabsl-dev
    clang-14 libclang-rt-14-dev
    sip-tester tshark parallel valgrind time
    slurmctld slurmd slurm-client munge
    python3-matplotlib python3-pandas python3-numpy python3-scipy
)

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done

if ((${#missing[@]} == 0)); then
    exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
    SUDO="sudo"
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
