#!/usr/bin/env bash
# Makes the secrets docker-compose.yml reads, once: a random password for the prediction history
# (PostgreSQL's churnwire user, and the server's connection to it) in
# deploy/compose/secrets/history-password. An existing file is kept, since PostgreSQL took its
# password when its data volume was first initialised; to change it, change it in the database
# too. git ignores the directory's contents.
#
# Compose bind-mounts a secret file as it is on the host, owner and mode included, and two users
# read this one (postgres, 999, and the server, 10001), so the file is readable by all while its
# directory is the owner's only: other users of the host cannot reach it.
set -euo pipefail
dir="$(cd "$(dirname "$0")" && pwd)/secrets"
file="$dir/history-password"
chmod 700 "$dir"
if [ -s "$file" ]; then
  echo "make-secrets: $file exists; kept"
  exit 0
fi
umask 077
openssl rand -hex 24 > "$file.tmp"
chmod 644 "$file.tmp"
mv "$file.tmp" "$file"
echo "make-secrets: wrote $file"
