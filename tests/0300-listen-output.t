#!/bin/sh
# xmpp-listen: the three output formats, each parsed back: xml by the
# stdin reader of xmpp-send --raw --dry-run and by python3, json by
# python3 json, text field by field with its escapes undone.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-listen xmpp-send
xt_server
plan 50

. "$XT_TESTS/listen.sh"

# ---- traffic: the same stanzas to three listeners ----

listen_bg xml bob -o xml || bail_out "xmpp-listen -o xml did not start"
listen_bg json bob -o json || bail_out "xmpp-listen -o json did not start"
listen_bg text bob -o text || bail_out "xmpp-listen -o text did not start"
to="bob@$XT_DOMAIN/xml bob@$XT_DOMAIN/json bob@$XT_DOMAIN/text"

# A body with everything a line format must escape. (No CR: the server
# writes it as it is, and XML parsing turns a CR into a newline.)
printf 'line one <b>&amp;</b> "quoted" '"'"'single'"'"'\n\ttab\\back\\slash ünïcödé ✓\nend' \
    >"$XT_TMP/body"
# shellcheck disable=SC2086
send alice --resource fmt $to <"$XT_TMP/body"
ok "sent the message with special characters" test $? = 0
# shellcheck disable=SC2086
send alice --resource fmt --type headline --subject 'disk <full>' \
    --thread th-1 --message 'sda at 99%' $to </dev/null
ok "sent a headline with subject and thread" test $? = 0
for r in xml json text; do
	printf '<presence to="bob@%s/%s"><show>away</show><status>out\tto lunch</status><priority>5</priority></presence>\n' \
	    "$XT_DOMAIN" "$r"
	printf '<message to="bob@%s/%s" type="error" id="err-1"><error type="cancel"><item-not-found xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/><text xmlns="urn:ietf:params:xml:ns:xmpp-stanzas">no such item</text></error></message>\n' \
	    "$XT_DOMAIN" "$r"
	printf '<message to="bob@%s/%s" type="normal" id="delayed-1"><body>old news</body><delay xmlns="urn:xmpp:delay" stamp="2001-02-03T04:05:06Z"/></message>\n' \
	    "$XT_DOMAIN" "$r"
	printf '<message to="bob@%s/%s" id="last-1"><body>the end</body></message>\n' \
	    "$XT_DOMAIN" "$r"
done >"$XT_TMP/raw.xml"
send alice --resource fmt --raw <"$XT_TMP/raw.xml"
ok "sent a presence, an error, a delayed and a plain message" test $? = 0

# Wait until each listener printed the last message.
for r in xml json text; do
	wait_for "$XT_TMP/$r.out" 'the end'
done
for r in xml json text; do
	stop_bg $r
	is "$bg_rc" 0 "-o $r: SIGTERM ends it with status 0"
done
is "$(cat "$XT_TMP/xml.err" "$XT_TMP/json.err" "$XT_TMP/text.err")" "" \
    "nothing on stderr"

# Only what alice/fmt sent, in the order sent.
# (Leaving out the unavailable presence the server sends for alice/fmt
# once its directed presence ends.)
for r in xml json text; do
	grep -F "alice@$XT_DOMAIN/fmt" "$XT_TMP/$r.out" |
	    grep -Ev 'type="unavailable"|"type":"unavailable"|	unavailable	' \
	    >"$XT_TMP/$r.fmt"
done
is "$(wc -l <"$XT_TMP/xml.fmt" | tr -d ' ')" 6 "-o xml: six stanzas from alice/fmt"
is "$(wc -l <"$XT_TMP/json.fmt" | tr -d ' ')" 6 "-o json: six stanzas from alice/fmt"
is "$(wc -l <"$XT_TMP/text.fmt" | tr -d ' ')" 6 "-o text: six stanzas from alice/fmt"

# ---- xml ----

# Every line is one whole XML document.
xml_check=$($py -S - "$XT_TMP/xml.out" <<'EOF'
import sys, xml.dom.minidom
bad = 0
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    try:
        xml.dom.minidom.parseString(line.rstrip("\n").encode())
    except Exception as e:
        print("line %d: %s" % (n, e))
        bad += 1
print("bad", bad)
EOF
)
is "$xml_check" "bad 0" "-o xml: every line parses on its own (python3 minidom)"

body=$($py -S - "$XT_TMP/xml.fmt" <<'EOF'
import sys, xml.dom.minidom
line = open(sys.argv[1], encoding="utf-8").readline()
d = xml.dom.minidom.parseString(line.encode()).documentElement
b = d.getElementsByTagName("body")[0]
sys.stdout.write("".join(t.data for t in b.childNodes) + "|")
EOF
)
is "${body%|}" "$(cat "$XT_TMP/body")" \
    "-o xml: the body parses back to the bytes sent (newlines, tab, markup, UTF-8)"
like "$(sed -n 1p "$XT_TMP/xml.fmt")" '<body>line one &lt;b&gt;&amp;amp;&lt;/b&gt; "quoted" '"'"'single'"'"'&#10;&#9;tab.*&#10;end</body>' \
    "-o xml: newline and tab written as character references, markup escaped"
like "$(sed -n 2p "$XT_TMP/xml.fmt")" \
    '<subject>disk &lt;full&gt;</subject>.*<thread>th-1</thread>|<thread>th-1</thread>.*<subject>disk &lt;full&gt;</subject>' \
    "-o xml: subject and thread kept"
like "$(sed -n 4p "$XT_TMP/xml.fmt")" \
    '<error type="cancel"><item-not-found xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/>' \
    "-o xml: the error element kept"
like "$(sed -n 5p "$XT_TMP/xml.fmt")" \
    '<delay xmlns="urn:xmpp:delay" stamp="2001-02-03T04:05:06Z"/>' \
    "-o xml: the delay element kept"
like "$(grep -F 'id="ready-' "$XT_TMP/xml.out" | head -n 1)" \
    "^<iq xmlns=\"jabber:client\" from=\"carol@$XT_DOMAIN/[^\"]*\" id=\"ready-[0-9]+\" .*type=\"get\"( xml:lang=\"[^\"]*\")?><ping xmlns=\"urn:xmpp:ping\"/></iq>\$" \
    "-o xml: an iq get from another entity is printed (xml:lang, from ejabberd, sorted as written)"

# Reusable as input: xmpp-send's stdin reader takes the lines back, and
# writes the same stanzas (it adds an id where there was none).
xt_run xmpp-send --raw --dry-run --jid "alice@$XT_DOMAIN" <"$XT_TMP/xml.out"
is_rc 0 "-o xml: xmpp-send --raw --dry-run reads every line back"
printf '%s\n' "$xt_out" >"$XT_TMP/xml.again"
same=$($py -S - "$XT_TMP/xml.out" "$XT_TMP/xml.again" <<'EOF'
import sys, xml.etree.ElementTree as ET
a = open(sys.argv[1], encoding="utf-8").read().splitlines()
b = open(sys.argv[2], encoding="utf-8").read().splitlines()
if len(a) != len(b):
    print("%d lines in, %d out" % (len(a), len(b)))
    sys.exit()
def canon(e):
    return ET.canonicalize(ET.tostring(e, encoding="unicode"))
diff = 0
for n, (x, y) in enumerate(zip(a, b), 1):
    ex, ey = ET.fromstring(x), ET.fromstring(y)
    if "id" not in ex.attrib:
        ey.attrib.pop("id", None)
    if canon(ex) != canon(ey):
        print("line %d differs:\n%s\n%s" % (n, x, y))
        diff += 1
print("differ", diff)
EOF
)
is "$same" "differ 0" "-o xml: the stanzas read back are the stanzas printed"

# ---- json ----

json_check=$($py -S - "$XT_TMP/json.out" <<'EOF'
import json, sys, xml.dom.minidom
bad = 0
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    try:
        o = json.loads(line)
        assert isinstance(o, dict), "not an object"
        assert o["kind"] in ("message", "presence", "iq"), "kind"
        xml.dom.minidom.parseString(o["xml"].encode())
    except Exception as e:
        print("line %d: %r" % (n, e))
        bad += 1
print("bad", bad)
EOF
)
is "$json_check" "bad 0" "-o json: every line is a JSON object with kind and a parsable xml"

# jget N KEY...: the value at KEY (path) in the Nth json line from
# alice/fmt, "<absent>" if missing.
jget() {
	$py -S - "$XT_TMP/json.fmt" "$@" <<'EOF'
import json, sys
o = json.loads(open(sys.argv[1], encoding="utf-8").read().splitlines()[int(sys.argv[2]) - 1])
for k in sys.argv[3:]:
    if not isinstance(o, dict) or k not in o:
        o = "<absent>"
        break
    o = o[k]
sys.stdout.write(str(o) + "|")
EOF
}
j() {
	_v=$(jget "$@")
	printf '%s' "${_v%|}"
}
is "$(j 1 kind)/$(j 1 type)/$(j 1 from)/$(j 1 to)" \
    "message/chat/alice@$XT_DOMAIN/fmt/bob@$XT_DOMAIN/json" \
    "-o json: kind, type, from, to"
like "$(j 1 id)" '.' "-o json: id"
is "$(j 1 body)" "$(cat "$XT_TMP/body")" "-o json: body exact, with its newlines and tab"
is "$(j 2 type)|$(j 2 subject)|$(j 2 thread)|$(j 2 body)" \
    "headline|disk <full>|th-1|sda at 99%" "-o json: subject and thread"
is "$(j 3 kind)|$(j 3 type)|$(j 3 show)|$(j 3 status)|$(j 3 priority)" \
    "presence|<absent>|away|$(printf 'out\tto lunch')|5" \
    "-o json: presence show, status, priority (no type key when available)"
is "$(j 4 type)|$(j 4 error type)|$(j 4 error condition)|$(j 4 error text)" \
    "error|cancel|item-not-found|no such item" "-o json: error type, condition and text"
is "$(j 5 delay)" "2001-02-03T04:05:06Z" "-o json: delay"
is "$(j 6 delay)" "<absent>" "-o json: no delay key when there is none"
like "$(j 1 xml)" "^<message xmlns=\"jabber:client\" from=\"alice@$XT_DOMAIN/fmt\" .*<body>line one &lt;b&gt;&amp;amp;&lt;/b&gt; \"quoted\" 'single'&#10;&#9;tab" \
    "-o json: xml is the stanza as -o xml prints it"
like "$(grep -F 'ready-' "$XT_TMP/json.out" | head -n 1)" \
    '"kind":"iq".*"type":"get".*"child":"ping","child_ns":"urn:xmpp:ping"' \
    "-o json: an iq names its payload"

# ---- text ----

# tget N: the fields of the Nth text line from alice/fmt, unescaped,
# joined by " | ".
tget() {
	$py -S - "$XT_TMP/text.fmt" "$1" <<'EOF'
import re, sys
line = open(sys.argv[1], encoding="utf-8").read().split("\n")[int(sys.argv[2]) - 1]
un = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}
fields = [re.sub(r"\\[\\tnr]", lambda m: un[m.group(0)], f) for f in line.split("\t")]
sys.stdout.write(" | ".join(fields) + "|")
EOF
}
t() {
	_v=$(tget "$1")
	printf '%s' "${_v%|}"
}
# t_rest N: the same without the first field (the time).
t_rest() {
	_v=$(t "$1")
	printf '%s' "${_v#* | }"
}
ts='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'
text_check=$($py -S - "$XT_TMP/text.out" <<'EOF'
import sys
bad = 0
for n, line in enumerate(open(sys.argv[1], encoding="utf-8", newline=""), 1):
    if not line.endswith("\n") or "\r" in line or len(line.split("\t")) < 4:
        print("line %d: %r" % (n, line))
        bad += 1
print("bad", bad)
EOF
)
is "$text_check" "bad 0" "-o text: one record per line, at least 4 fields"
like "$(cut -f1 "$XT_TMP/text.out" | grep -Evc "$ts")" '^0$' \
    "-o text: the first field is always a UTC ISO 8601 time"
now=$(date -u +%Y-%m-%dT%H)
like "$(sed -n 1p "$XT_TMP/text.fmt" | cut -f1)" "^$now:" \
    "-o text: the time of arrival when there is no delay"
is "$(t_rest 1)" "alice@$XT_DOMAIN/fmt | chat | $(cat "$XT_TMP/body")" \
    "-o text: message: time, from, type, body (escapes undone)"
like "$(sed -n 1p "$XT_TMP/text.fmt" | cut -f4)" \
    '^line one <b>&amp;</b> "quoted" '"'"'single'"'"'\\n\\ttab\\\\back\\\\slash ünïcödé ✓\\nend$' \
    "-o text: newline, tab and backslash escaped, nothing else"
is "$(t_rest 2)" "alice@$XT_DOMAIN/fmt | headline | sda at 99%" \
    "-o text: headline"
is "$(t_rest 3)" "alice@$XT_DOMAIN/fmt | available | away | $(printf 'out\tto lunch')" \
    "-o text: presence: time, from, type, show, status"
is "$(t_rest 4)" "alice@$XT_DOMAIN/fmt | error |  | item-not-found | no such item" \
    "-o text: error message: empty body, then condition and text"
is "$(t 5)" "2001-02-03T04:05:06Z | alice@$XT_DOMAIN/fmt | normal | old news" \
    "-o text: a delayed message carries its XEP-0203 stamp"
is "$(t_rest 6)" "alice@$XT_DOMAIN/fmt | normal | the end" \
    "-o text: no type is normal"
like "$(grep -F "carol@$XT_DOMAIN/" "$XT_TMP/text.out" | grep -F '	get	' | head -n 1)" \
    "	carol@$XT_DOMAIN/[^	]*	get	urn:xmpp:ping\$" \
    "-o text: iq: time, from, type, payload namespace"

# ---- the default format, and a line per stanza as it arrives ----

listen_bg plain bob --from "alice@$XT_DOMAIN/fmt2" ||
    bail_out "xmpp-listen did not start"
send alice --resource fmt2 -m 'first' "bob@$XT_DOMAIN/plain" </dev/null
wait_for "$XT_TMP/plain.out" first
like "$(cat "$XT_TMP/plain.out")" '^<message xmlns="jabber:client" .*<body>first</body>' \
    "default format is xml, and the line is written while it keeps listening"
ok "... still running" kill -0 "$bg_pid"
stop_bg plain
is "$bg_rc" 0 "SIGTERM: status 0"

# ---- a stamp is printed in one form, never as the sender wrote it ----

listen_bg stamp bob -o text -c 2 --from "alice@$XT_DOMAIN/st" || bail_out "xmpp-listen did not start"
printf '%s\n' \
    "<message to=\"bob@$XT_DOMAIN/stamp\" id=\"forged\"><body>x</body><delay xmlns=\"urn:xmpp:delay\" stamp=\"2001Z&#10;9999Z&#9;mallory@evil/x&#9;chat&#9;forged\"/></message>" \
    "<message to=\"bob@$XT_DOMAIN/stamp\" id=\"frac\"><body>y</body><delay xmlns=\"urn:xmpp:delay\" stamp=\"2001-02-03T04:05:06.123456+01:00\"/></message>" |
    send alice --resource st --raw
wait_bg stamp
is "$(wc -l <"$XT_TMP/stamp.out" | tr -d ' ')" 2 \
    "-o text: a stamp with a newline and tabs forges no record"
like "$(sed -n 1p "$XT_TMP/stamp.out" | cut -f1)" "$ts" \
    "... an invalid stamp is replaced by the time of arrival"
is "$(sed -n 2p "$XT_TMP/stamp.out" | cut -f1)" "2001-02-03T03:05:06Z" \
    "... a valid one is printed in UTC, to the second"

# ---- what would act on a terminal is written visibly ----

# DEL, C1 controls (U+0085 NEL, U+009B CSI), U+2028 and U+202E are valid
# XML: a sender can put them in a body. -o text writes them as \uXXXX,
# -o xml as character references; other characters stay as they are.
for r in ctext cxml; do
	printf '<message to="bob@%s/%s" id="ctl"><body>a\177b\302\205c\302\23331md\342\200\250e\342\200\256f\303\251</body></message>\n' \
	    "$XT_DOMAIN" "$r"
done >"$XT_TMP/ctl.xml"
listen_bg ctext bob -o text -c 1 --from "alice@$XT_DOMAIN/ctl" ||
    bail_out "xmpp-listen did not start"
listen_bg cxml bob -o xml -c 1 --from "alice@$XT_DOMAIN/ctl" ||
    bail_out "xmpp-listen did not start"
send alice --resource ctl --raw <"$XT_TMP/ctl.xml"
wait_bg ctext
wait_bg cxml
is "$(cut -f4 "$XT_TMP/ctext.out")" 'a\u007fb\u0085c\u009b31md\u2028e\u202efé' \
    "-o text: DEL, C1, U+2028 and U+202E as \\uXXXX, é as it is"
like "$(cat "$XT_TMP/cxml.out")" '<body>a&#x7F;b&#x85;c&#x9B;31md&#x2028;e&#x202E;fé</body>' \
    "-o xml: as character references"
ok "... no such byte is written raw" sh -c \
    "! LC_ALL=C grep -q \"\$(printf '[\\177\\205\\233]\\|\\342\\200[\\250\\256]')\" '$XT_TMP/ctext.out' '$XT_TMP/cxml.out'"
