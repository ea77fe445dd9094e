#!/usr/bin/env bash
# The SFTP tests drive Debian's OpenSSH client (`sftp -b`, `ssh-keygen`). Installed when missing
# and we are root; elsewhere the tests cannot run and this says so.
set -euo pipefail
if command -v sftp >/dev/null 2>&1 && command -v ssh-keygen >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing openssh-client from Debian's packages..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-client >/dev/null
  exit 0
fi
echo "OpenSSH's sftp and ssh-keygen are needed by lib/sftp/sftp.test.ts: install the openssh-client package." >&2
exit 1
