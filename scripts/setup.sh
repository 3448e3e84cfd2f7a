#!/usr/bin/env bash
# scripts/setup.sh: install what ddbwatch needs to build and test, on Debian 12 as root.
# Installs only what is missing, so a second run costs a few dpkg queries.
set -euo pipefail

packages=(
  build-essential cmake pkg-config clang libclang-rt-14-dev
  libuv1-dev liblmdb-dev libjansson-dev libssl-dev zlib1g-dev node-llhttp
  python3-boto3 python3-pytest awscli curl jq
)
# Java runs DynamoDB Local, the oracle the conformance suite compares against.
command -v java >/dev/null 2>&1 || packages+=(openjdk-17-jre-headless)
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
