#!/usr/bin/env bash
# A throwaway S3 that checks signatures and bucket policies, for the S3 connector tests: Ceph's
# radosgw from Debian on a one-monitor, one-memstore-OSD cluster, all on loopback.
#   scripts/services/radosgw.sh install
#   scripts/services/radosgw.sh start   -> prints ONE line of JSON on stdout:
#     {"endpoint":"http://127.0.0.1:PORT","region":"us-east-1","bucket":"atrium-test",
#      "users":{"full":{accessKeyId,secretAccessKey},"noPut":{…},"noList":{…}}}
#   scripts/services/radosgw.sh stop    -> kills the daemons and removes the directory
# `full` owns the bucket; a bucket policy gives `noPut` s3:ListBucket + s3:GetObject and `noList`
# s3:GetObject + s3:PutObject, so each lacks exactly one of the permissions the product checks.
# Only the JSON goes to stdout; progress goes to stderr, and a failure prints the daemons' log tails.
#
# Why the cluster looks like this: radosgw needs RADOS under it. One monitor and one OSD whose
# objectstore is memstore (RAM, no disk format) start in a few seconds. Cephx is off inside the
# cluster (`auth * required = none`): only loopback daemons talk to each other; S3 callers still
# sign every request with their keys and rgw checks those. `osd class update on start` and
# `osd crush update on start` are off because, without a manager, the OSD's own attempt to place
# itself in the CRUSH map can fail its boot ("wrong fsid"); we place it ourselves. Objects live in
# the OSD's RAM (memstore, at most 8 GiB): delete what a test uploads. `paxos propose interval` is
# cut from 1 s because radosgw's first start makes a dozen cluster-map changes that each wait for
# it (a 10 s start becomes 2-3 s).
set -euo pipefail
ROOT="${ATRIUM_TEST_SERVICES_DIR:-/tmp/atrium-test-services}"
DIR="$ROOT/radosgw"
CONF="$DIR/ceph.conf"
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
BUCKET="atrium-test"
REGION="us-east-1"

free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

have_bins() {
  command -v radosgw >/dev/null 2>&1 && command -v ceph-mon >/dev/null 2>&1 \
    && command -v ceph-osd >/dev/null 2>&1 && command -v radosgw-admin >/dev/null 2>&1 \
    && command -v monmaptool >/dev/null 2>&1 && command -v ceph >/dev/null 2>&1
}

install() {
  if have_bins; then return 0; fi
  echo "radosgw.sh: installing radosgw, ceph-mon and ceph-osd with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  # Recommends (ceph-mgr, ceph-mds, …) are not needed by this one-node cluster.
  apt-get install -y -qq --no-install-recommends radosgw ceph-mon ceph-osd >&2
  have_bins || { echo "radosgw.sh: Ceph binaries not found after install" >&2; exit 1; }
}

# Everything that could explain a failed start, to stderr; then the daemons started so far are
# stopped (the directory stays for a look, and the next start or stop removes it).
fail() {
  echo "radosgw.sh: $*" >&2
  local f
  for f in "$DIR"/log/*.log "$DIR"/*.out; do
    [ -s "$f" ] || continue
    echo "---- tail of $f" >&2
    tail -n 25 "$f" >&2
  done
  kill_daemons
  exit 1
}

ceph_cli() { timeout 10 ceph -c "$CONF" --connect-timeout 5 "$@"; }

# Runs a daemon in the foreground under setsid, so it outlives this script and its caller's
# process group; its pid goes to DIR/NAME.pid for stop.
spawn() {
  local name="$1"; shift
  setsid nohup "$@" </dev/null >"$DIR/$name.out" 2>&1 &
  echo $! >"$DIR/$name.pid"
}

# wait_for WHAT SECONDS DAEMON CMD...: polls CMD until it succeeds; fails when the time is up or
# DAEMON (a name given to spawn) has exited.
wait_for() {
  local what="$1" seconds="$2" daemon="$3"; shift 3
  local deadline=$((SECONDS + seconds))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$(cat "$DIR/$daemon.pid")" 2>/dev/null; then fail "$what: $daemon exited"; fi
    sleep 0.2
  done
  fail "$what within ${seconds}s"
}

start() {
  install
  stop >/dev/null 2>&1 || true
  mkdir -p "$DIR/mon" "$DIR/osd" "$DIR/run" "$DIR/log"
  local mon_port rgw_port fsid osd_uuid
  mon_port="$(free_port)"
  rgw_port="$(free_port)"
  while [ "$rgw_port" = "$mon_port" ]; do rgw_port="$(free_port)"; done
  fsid="$(cat /proc/sys/kernel/random/uuid)"
  osd_uuid="$(cat /proc/sys/kernel/random/uuid)"

  cat >"$CONF" <<CONF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$mon_port
public network = 127.0.0.0/8
auth cluster required = none
auth service required = none
auth client required = none
ms bind ipv6 = false
# Without cephx there is no session key for msgr2's "secure" mode, which radosgw asks of the
# monitor by default (it then fails to connect with -13): plain crc everywhere.
ms cluster mode = crc
ms service mode = crc
ms client mode = crc
ms mon cluster mode = crc
ms mon service mode = crc
ms mon client mode = crc
run dir = $DIR/run
admin socket = $DIR/run/\$name.asok
log file = $DIR/log/\$name.log
pid file = $DIR/run/\$name.pidfile
keyring = $DIR/keyring
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
# The test runner's disk may be fuller than Ceph likes: never stop the monitor for it.
mon data avail crit = 0
mon data avail warn = 0
[mon]
# radosgw's first start makes about a dozen map changes (pools, application tags); each waits
# for the next paxos proposal, 1 s apart by default.
paxos propose interval = 0.05
paxos min wait = 0.01
mon data = $DIR/mon/\$id
mon initial members = a
[osd]
osd data = $DIR/osd/\$id
osd objectstore = memstore
memstore device bytes = 8589934592
osd class update on start = false
osd crush update on start = false
osd op num threads per shard = 1
osd op num shards = 2
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port
rgw data = $DIR/rgw
rgw dns name = 127.0.0.1
rgw thread pool size = 64
# Deleted objects are freed by garbage collection, 2 hours later by default: in a RAM-backed OSD,
# repeated large-object tests would fill it meanwhile and every write would hang.
rgw gc obj min wait = 60
rgw gc processor period = 60
CONF

  # Monitor.
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$DIR/monmap" >"$DIR/monmaptool.out" 2>&1 \
    || fail "monmaptool failed"
  ceph-mon -c "$CONF" -i a --mkfs --monmap "$DIR/monmap" >"$DIR/mon-mkfs.out" 2>&1 || fail "ceph-mon --mkfs failed"
  spawn mon ceph-mon -c "$CONF" -i a -f
  wait_for "the monitor did not answer" 30 mon ceph_cli mon stat

  # OSD: registered, placed in the CRUSH map by hand, then started.
  local osd_id
  osd_id="$(ceph_cli osd new "$osd_uuid" 2>>"$DIR/osd-new.out")" || fail "ceph osd new failed"
  mkdir -p "$DIR/osd/$osd_id"
  ceph-osd -c "$CONF" -i "$osd_id" --mkfs --osd-uuid "$osd_uuid" >"$DIR/osd-mkfs.out" 2>&1 || fail "ceph-osd --mkfs failed"
  ceph_cli osd crush add "osd.$osd_id" 1.0 root=default >/dev/null 2>>"$DIR/osd-new.out" || fail "placing the OSD in the CRUSH map failed"
  spawn osd ceph-osd -c "$CONF" -i "$osd_id" -f
  wait_for "the OSD did not come up" 60 osd osd_up "$osd_id"

  # Gateway. It creates its pools on first start; the beast frontend answers once it is ready.
  mkdir -p "$DIR/rgw"
  spawn rgw radosgw -c "$CONF" -n client.rgw.a -f
  wait_for "radosgw did not answer on 127.0.0.1:$rgw_port" 60 rgw \
    node -e "require('http').get('http://127.0.0.1:$rgw_port/',r=>{r.resume();process.exit(0)}).on('error',()=>process.exit(1))"

  # Users (after the gateway, so the two do not race to create the default zone).
  local u
  for u in full noput nolist; do
    radosgw-admin -c "$CONF" user create --uid="$u" --display-name="atrium test $u" \
      --access-key="$(key_id "$u")" --secret-key="$(secret_of "$u")" >>"$DIR/users.out" 2>&1 \
      || fail "radosgw-admin user create $u failed"
  done

  # Bucket and policy through S3 itself, with the SDK the product uses.
  (cd "$REPO" && ENDPOINT="http://127.0.0.1:$rgw_port" node --input-type=module >"$DIR/bucket.out" 2>&1 <<JS
import { S3Client, CreateBucketCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
const s3 = new S3Client({
  endpoint: process.env.ENDPOINT, region: '$REGION', forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  credentials: { accessKeyId: '$(key_id full)', secretAccessKey: '$(secret_of full)' },
});
const b = '$BUCKET';
const user = (u) => 'arn:aws:iam:::user/' + u;
await s3.send(new CreateBucketCommand({ Bucket: b }));
await s3.send(new PutBucketPolicyCommand({ Bucket: b, Policy: JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'noPutList', Effect: 'Allow', Principal: { AWS: [user('noput')] }, Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::' + b] },
    { Sid: 'noPutGet', Effect: 'Allow', Principal: { AWS: [user('noput')] }, Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::' + b + '/*'] },
    { Sid: 'noListGetPut', Effect: 'Allow', Principal: { AWS: [user('nolist')] }, Action: ['s3:GetObject', 's3:PutObject'], Resource: ['arn:aws:s3:::' + b + '/*'] },
  ],
}) }));
JS
  ) || fail "creating the bucket and its policy failed: $(cat "$DIR/bucket.out")"

  echo "$rgw_port" >"$DIR/port"
  printf '{"endpoint":"http://127.0.0.1:%s","region":"%s","bucket":"%s","users":{"full":%s,"noPut":%s,"noList":%s}}\n' \
    "$rgw_port" "$REGION" "$BUCKET" "$(creds full)" "$(creds noput)" "$(creds nolist)"
}

# Fixed, recognisable test keys: the cluster is private to one run, on loopback.
key_id() { case "$1" in full) echo ATRIUMFULLKEY0000001 ;; noput) echo ATRIUMNOPUTKEY000002 ;; nolist) echo ATRIUMNOLISTKEY00003 ;; esac; }
secret_of() { echo "atrium-test-secret-$1-4f9c2e7a1b8d"; }
creds() { printf '{"accessKeyId":"%s","secretAccessKey":"%s"}' "$(key_id "$1")" "$(secret_of "$1")"; }

osd_up() { ceph_cli osd dump 2>/dev/null | grep -Eq "^osd\.$1 up "; }

kill_daemons() {
  local name pid i
  for name in rgw osd mon; do
    [ -f "$DIR/$name.pid" ] || continue
    pid="$(cat "$DIR/$name.pid" 2>/dev/null || true)"
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  for name in rgw osd mon; do
    [ -f "$DIR/$name.pid" ] || continue
    pid="$(cat "$DIR/$name.pid" 2>/dev/null || true)"
    [ -n "$pid" ] || continue
    for i in $(seq 1 25); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
  return 0
}

stop() {
  [ -d "$DIR" ] || return 0
  kill_daemons
  rm -rf "$DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  install) install ;;
  *) echo "usage: $0 start|stop|install" >&2; exit 2 ;;
esac
