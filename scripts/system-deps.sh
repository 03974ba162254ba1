#!/usr/bin/env bash
# Debian packages the project needs: gettext (compiled translations), chromium (browser tests),
# fonts-noto-cjk + libharfbuzz-subset0 (Chinese badges in WeasyPrint), wrk (benchmarks), redis,
# nginx (`make stack`: its service is never started, the stack runs its own master).
set -euo pipefail
packages=(gettext chromium fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 wrk redis-server nginx)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
