#!/bin/sh
# Nightly backup of the whole hub (every venue and the federation), run on the compose host, e.g. from cron:
#   15 3 * * *  /srv/coursive/deploy/backup.sh
# Writes $BACKUP_DIR/hub-<UTC time>.dump (pg_dump custom format; the file appears only once complete) and
# keeps $BACKUP_KEEP_DAYS days of them. Restore one venue into a fresh database with
#   manage.py restore_venue <slug> --database-dump hub-….dump        (README, "Backups")
# Copy the directory off the machine: a backup on the same disk is not a backup.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
backup_dir=${BACKUP_DIR:-$here/backups}
keep_days=${BACKUP_KEEP_DAYS:-14}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$backup_dir"
if [ "$(id -u)" = 0 ]; then
    chown 10001 "$backup_dir"      # the image's hub user writes the file
    user=10001
else
    user="$(id -u):$(id -g)"       # the container writes as whoever runs this script
fi

docker compose -f "$here/compose.yaml" run --rm --no-deps -T --user "$user" \
    -v "$backup_dir:/backups" web \
    python manage.py backup_database --output "/backups/hub-$stamp.dump"

find "$backup_dir" -name 'hub-*.dump' -mtime "+$keep_days" -delete
echo "backup: $backup_dir/hub-$stamp.dump"
