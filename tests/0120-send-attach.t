#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-send --attach (XEP-0363 HTTP File Upload): each file uploaded to
# the server's upload service, found through its disco items; the GET URL
# serves the same bytes; each recipient gets a message whose body is the
# URL with <x xmlns='jabber:x:oob'><url>URL</url></x> (XEP-0066), after
# the --message or stdin body; a file over the service's limit or one
# that cannot be read is refused before anything is uploaded or sent;
# --upload-only prints the URLs; --attach - reads stdin.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-send
command -v curl >/dev/null 2>&1 ||
    plan_skip_all "curl is not installed (scripts/install-deps --test)"
# A server of its own: the test counts the files its service stores.
xt_server --cert=good
. "$XT_TESTS/send.sh"
. "$XT_TESTS/upload.sh"
up_need_service
"$XT_BIN/xmpp-send" --help 2>/dev/null | grep -q -- '--attach' ||
    plan_skip_all "xmpp-send has no --attach yet"
plan 76

kind=$XT_SERVER_KIND
url_re="^https://127\\.0\\.0\\.1:$XT_HTTPS_PORT/[^ ]+\$"

# ---- before connecting: files that cannot be read ----

closed=$(xt_free_port)
up --server "127.0.0.1:$closed" --attach "$XT_TMP/missing.txt" "bob@$XT_DOMAIN" </dev/null
is_rc 66 "a missing file: exit 66"
# (The project's messages give the system's reason in lower case.)
like "$xt_err" "^xmpp-send: cannot read '$XT_TMP/missing\\.txt': [Nn]o such file or directory\$" \
    "... saying which and why, before connecting (the server port is closed)"
mkdir "$XT_TMP/adir"
up --server "127.0.0.1:$closed" --attach "$XT_TMP/adir" "bob@$XT_DOMAIN" </dev/null
is_rc 66 "a directory: exit 66"
like "$xt_err" "^xmpp-send: cannot read '$XT_TMP/adir': " "... saying which"

got=$XT_TMP/bob.jsonl
receiver bob "$XT_BOB_PW" "$got"
random_file "$XT_TMP/one.bin" 1
before=$(stored)
up --message "never sent" --attach "$XT_TMP/one.bin" --attach "$XT_TMP/missing.txt" \
    "bob@$XT_DOMAIN" </dev/null
is_rc 66 "a missing file among good ones: exit 66"
is "$(stored)" "$before" "... nothing uploaded"

# ---- one file of one byte ----

up --attach "$XT_TMP/one.bin" "bob@$XT_DOMAIN" </dev/null
is_rc 0 "a file of 1 byte: exit 0"
is "$xt_out$xt_err" "" "... silent"
xt_recv_wait "$got" 1 && pass "bob got a message" || fail "bob got a message"
is "$(lines_of "$got")" 1 "... one (no message was sent for the refused run)"
u1=$(field "$got" 1 body)
like "$u1" "$url_re" "its body is the GET URL, on the service's HTTPS"
is "$(oob "$got" 1)" "$u1" "it carries <x xmlns='jabber:x:oob'><url> with the same URL"
is "$(field "$got" 1 from | cut -d/ -f1)" "alice@$XT_DOMAIN" "... from alice"
is "$(sha_url "$u1")" "$(sha "$XT_TMP/one.bin")" "the URL serves the same byte"
is "$(stored)" "$((before + 1))" "the service stores one file"

# ---- a message, then two files: 10 MB and a UTF-8 name with spaces ----

random_file "$XT_TMP/ten.bin" 10000000
name="rapport été ✓ 2024.txt"
printf 'Grüße, ça va ✓\nline two\n' >"$XT_TMP/$name"
up --message "two files follow" --attach "$XT_TMP/ten.bin" \
    --attach "$XT_TMP/$name" "bob@$XT_DOMAIN" </dev/null
is_rc 0 "--message and two files: exit 0"
is "$xt_out$xt_err" "" "... silent (stderr is not a terminal: no progress)"
xt_recv_wait "$got" 4 || diag "bob has $(lines_of "$got") messages: $(cat "$got")"
is "$(lines_of "$got")" 4 "three messages more"
is "$(field "$got" 2 body)" "two files follow" "the --message body first, a message of its own"
is "$(oob "$got" 2)" "" "... without an OOB URL"
u2=$(field "$got" 3 body)
u3=$(field "$got" 4 body)
like "$u2" "$url_re" "then the first file's URL"
is "$(oob "$got" 3)" "$u2" "... with its OOB URL"
like "$u3" "$url_re" "then the second file's URL"
is "$(oob "$got" 4)" "$u3" "... with its OOB URL"
isnt "$u2" "$u3" "two URLs"
is "$(sha_url "$u2")" "$(sha "$XT_TMP/ten.bin")" "the 10 MB file comes back byte for byte"
is "$(sha_url "$u3")" "$(sha "$XT_TMP/$name")" "the UTF-8 named file comes back byte for byte"
# The slot request names the file as given (UTF-8, spaces): Prosody keeps
# it in the URL; ejabberd makes each character but letters, digits and
# . - _ an underscore.
if [ "$kind" = prosody ]; then
	is "$(last_segment "$u3")" "$name" "the slot was asked for the file's name, UTF-8 and spaces intact"
else
	is "$(last_segment "$u3")" "$(/usr/bin/python3 -S -c 'import re, sys; print(re.sub(r"[^\w.-]", "_", sys.argv[1]))' "$name")" \
	    "the slot was asked for the file's name, UTF-8 letters intact (ejabberd: other characters as _)"
fi
is "$(stored)" "$((before + 3))" "the service stores two more files"

# ---- the content type (Prosody serves the one of the slot request) ----

if [ "$kind" = prosody ]; then
	is "$(type_url "$u3")" "text/plain" "a .txt file: text/plain by default"
	is "$(type_url "$u1")" "application/octet-stream" "an unknown kind: application/octet-stream"
	cp "$XT_TMP/one.bin" "$XT_TMP/pic"
	up --content-type image/png --upload-only --attach "$XT_TMP/pic" </dev/null
	is_rc 0 "--content-type image/png --upload-only: exit 0"
	is "$(type_url "$xt_out")" "image/png" "... the file is served as image/png"
else
	skip 4 "ejabberd serves a type of its own from the name, not the slot's"
fi

# ---- stdin: a body, or the file itself with --attach - ----

printf 'see the attached log\n' >"$XT_TMP/body"
up --attach "$XT_TMP/one.bin" "bob@$XT_DOMAIN" <"$XT_TMP/body"
is_rc 0 "a body on stdin and a file: exit 0"
xt_recv_wait "$got" 6
is "$(field "$got" 5 body)" "see the attached log" "the stdin body first"
is "$(oob "$got" 6)" "$(field "$got" 6 body)" "then the file's URL, with its OOB URL"
like "$(field "$got" 6 body)" "$url_re" "... on the service's HTTPS"

random_file "$XT_TMP/piped" 300000
up --attach - "bob@$XT_DOMAIN" <"$XT_TMP/piped"
is_rc 0 "--attach -: exit 0"
xt_recv_wait "$got" 7
u7=$(field "$got" 7 body)
like "$u7" "$url_re" "bob got the URL of what stdin held"
is "$(oob "$got" 7)" "$u7" "... with its OOB URL"
is "$(sha_url "$u7")" "$(sha "$XT_TMP/piped")" "... and it serves what stdin held"
sentinel "$got" "after stdin"
is "$(lines_of "$got")" 8 "stdin was the file, not also a body"

# ---- two recipients: one upload, one message each ----

gotc=$XT_TMP/carol.jsonl
receiver carol "$XT_CAROL_PW" "$gotc"
n=$(stored)
up --attach "$XT_TMP/one.bin" "bob@$XT_DOMAIN" "carol@$XT_DOMAIN" </dev/null
is_rc 0 "a file to two recipients: exit 0"
xt_recv_wait "$got" 9
xt_recv_wait "$gotc" 1
like "$(field "$got" 9 body)" "$url_re" "bob got the URL"
is "$(field "$gotc" 1 body)" "$(field "$got" 9 body)" "carol got the same URL"
is "$(oob "$gotc" 1)" "$(field "$gotc" 1 body)" "... with its OOB URL"
is "$(stored)" "$((n + 1))" "uploaded once"

# ---- -v says each upload ----

up -v --attach "$XT_TMP/ten.bin" "bob@$XT_DOMAIN" </dev/null
is_rc 0 "-v: exit 0"
xt_recv_wait "$got" 10
like "$xt_err" "xmpp-send: uploaded '[^']*ten\\.bin' \\((10\\.0 MB|9\\.5 MiB)\\) in [0-9.]+ s: $(field "$got" 10 body)" \
    "-v: 'uploaded F (SIZE) in T s: URL'"

# ---- the service's limit: refused before anything is uploaded ----

sentinel "$got" "before the limit"
n=$(stored)
m=$(lines_of "$got")
limit=$XT_UPLOAD_LIMIT
# Sparse: the size is what counts, and nothing is read.
truncate -s "$((limit + 1))" "$XT_TMP/over.bin"
up --message "never sent either" --attach "$XT_TMP/over.bin" "bob@$XT_DOMAIN" </dev/null
is_rc 1 "a file one byte over the limit: exit 1"
# One byte over: sizes rounded would read the same, so in bytes.
like "$xt_err" "^xmpp-send: '[^']*over\\.bin' is $((limit + 1)) bytes, larger than the $limit bytes that '$XT_UPLOAD' accepts\$" \
    "... 'F is SIZE, larger than the LIMIT that SERVICE accepts', in bytes when just over"
truncate -s 20000000 "$XT_TMP/big.bin"
up --attach "$XT_TMP/big.bin" "bob@$XT_DOMAIN" </dev/null
is_rc 1 "a file of 20 MB, the limit 16 MiB: exit 1"
# 20000000 bytes: 20.0 MB (or 19.1 MiB); the limit 16777216: 16.8 MB (16.0 MiB).
like "$xt_err" "is (20\\.0 MB|19\\.1 MiB), larger than the (16\\.8 MB|16\\.0 MiB) that '$XT_UPLOAD' accepts" \
    "... both sizes, as they are"
up --upload-only --attach "$XT_TMP/one.bin" --attach "$XT_TMP/big.bin" </dev/null
is_rc 1 "--upload-only with one file over the limit: exit 1"
is "$xt_out" "" "... no URL printed"
is "$(stored)" "$n" "nothing was uploaded for any of them"
is "$(stored_size_over "$limit")" 0 "... the service holds nothing over its limit"
sentinel "$got" "after the limit"
is "$(lines_of "$got")" "$((m + 1))" "nothing was sent to bob, not even the --message"

# Exactly the limit is not over it.
random_file "$XT_TMP/limit.bin" "$limit"
up --attach "$XT_TMP/limit.bin" "bob@$XT_DOMAIN" </dev/null
is_rc 0 "a file of exactly the limit: exit 0"
xt_recv_wait "$got" "$((m + 2))"
ul=$(field "$got" "$((m + 2))" body)
like "$ul" "$url_re" "... bob got its URL"
is "$(sha_url "$ul")" "$(sha "$XT_TMP/limit.bin")" "... and it comes back byte for byte"

# ---- --upload-only: the URLs on stdout, no message ----

m=$(lines_of "$got")
random_file "$XT_TMP/a.bin" 1000
random_file "$XT_TMP/b.bin" 2000
up --upload-only --attach "$XT_TMP/a.bin" --attach "$XT_TMP/b.bin" </dev/null
is_rc 0 "--upload-only, two files, no recipient: exit 0"
is "$(printf '%s\n' "$xt_out" | wc -l | tr -d ' ')" 2 "two lines on stdout"
ua=$(printf '%s\n' "$xt_out" | sed -n 1p)
ub=$(printf '%s\n' "$xt_out" | sed -n 2p)
like "$ua" "$url_re" "the first is a URL"
like "$ub" "$url_re" "the second is a URL"
is "$(sha_url "$ua")" "$(sha "$XT_TMP/a.bin")" "the first serves the first file (the order given)"
is "$(sha_url "$ub")" "$(sha "$XT_TMP/b.bin")" "the second serves the second file"
is "$xt_err" "" "... nothing on stderr"
# A recipient with --upload-only: the contract says none is needed; a
# tool may take it (and send nothing) or refuse it as a usage error
# (and upload nothing). Either way bob gets nothing.
n=$(stored)
up --upload-only --attach "$XT_TMP/a.bin" "bob@$XT_DOMAIN" </dev/null
case $xt_rc in
0) like "$xt_out" "$url_re" "--upload-only with a recipient: exit 0, the URL printed" ;;
64) is "$(stored)" "$n" "--upload-only with a recipient: usage error (64), nothing uploaded" ;;
*) fail "--upload-only with a recipient: exit 0 or 64"; diag "exit $xt_rc: $xt_err" ;;
esac
sentinel "$got" "after upload-only"
is "$(lines_of "$got")" "$((m + 1))" "bob got nothing from --upload-only"
is "$(field "$got" "$((m + 1))" body)" "after upload-only" "... only the sentinel after"

# ---- the service given ----

up --upload-service "$XT_UPLOAD" --upload-only --attach "$XT_TMP/a.bin" </dev/null
is_rc 0 "--upload-service SERVICE: exit 0"
is "$(sha_url "$xt_out")" "$(sha "$XT_TMP/a.bin")" "... the URL serves the file"
up --upload-service "nothing.$XT_DOMAIN" --upload-only --attach "$XT_TMP/a.bin" </dev/null
isnt "$xt_rc" 0 "--upload-service naming no service: fails"
like "$xt_err" "nothing\\.$XT_DOMAIN" "... naming it"
is "$xt_out" "" "... no URL"
