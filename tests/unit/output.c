/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for common/output.c: the xml, json and text formats. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tap.h"
#include "xt.h"

#define R "\xef\xbf\xbd"	/* U+FFFD */
#define NS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"

static xmpp_ctx_t *ctx;
static xmpp_stanza_t *parsed;

static int
keep(xmpp_stanza_t *st, void *arg)
{
	(void)arg;
	parsed = xmpp_stanza_clone(st);		/* one more reference */
	return 1;
}

/* The first stanza of xml, read with our reader (keeps xml:lang). */
static xmpp_stanza_t *
parse(const char *xml)
{
	struct xt_reader *r = xt_reader_new(ctx, keep, NULL);

	parsed = NULL;
	if (xt_reader_feed(r, xml, strlen(xml), 1) < 0)
		printf("# parse error: %s\n", xt_reader_error(r));
	xt_reader_free(r);
	return parsed;
}

/* st written in fmt (without the newline), or NULL if writing failed. */
static char *
format(xmpp_stanza_t *st, enum xt_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc = xt_write_stanza(f, fmt, st);

	fclose(f);
	if (rc != 0 || len == 0 || buf[len - 1] != '\n' ||
	    strchr(buf, '\n') != buf + len - 1) {
		printf("# not one line: rc %d '%s'\n", rc, buf);
		free(buf);
		return NULL;
	}
	buf[len - 1] = '\0';
	return buf;
}

/* xml parsed and written in fmt gives exp. */
static void
check(const char *xml, enum xt_format fmt, const char *exp,
    const char *name)
{
	xmpp_stanza_t *st = parse(xml);
	char *out = st ? format(st, fmt) : NULL;

	is(out, exp, name);
	free(out);
	if (st != NULL)
		xmpp_stanza_release(st);
}

/* A message built in code, so it can hold what no parser lets through. */
static xmpp_stanza_t *
message(const char *type, const char *body)
{
	xmpp_stanza_t *m = xmpp_message_new(ctx, type, "to@example.org", "m1");

	xmpp_stanza_set_from(m, "from@example.org/res");
	xmpp_message_set_body(m, body);
	return m;
}

static void
test_xml(void)
{
	xmpp_stanza_t *m = message("chat", "a\nb\tc\rd & <e> \"f\" 'g'");
	char *s;

	s = xt_stanza_xml_line(m);
	is(s, "<message from=\"from@example.org/res\" id=\"m1\" "
	    "to=\"to@example.org\" type=\"chat\"><body>a&#10;b&#9;c&#13;d "
	    "&amp; &lt;e&gt; \"f\" 'g'</body></message>",
	    "text escapes, newline tab cr as references");
	free(s);
	xmpp_stanza_release(m);

	m = message("chat",
	    "bell\a esc\x1b nul-free \xe9t\xc3\xa9 \xef\xbf\xbe");
	xmpp_stanza_set_attribute(m, "x", "q\"<&>\n\t\r\x01'");
	s = xt_stanza_xml_line(m);
	is(s, "<message from=\"from@example.org/res\" id=\"m1\" "
	    "to=\"to@example.org\" type=\"chat\" x=\"q&quot;&lt;&amp;&gt;"
	    "&#10;&#9;&#13;" R "'\"><body>bell" R " esc" R " nul-free " R
	    "t\xc3\xa9 " R "</body></message>",
	    "controls and invalid UTF-8 replaced, attribute escapes");
	free(s);
	xmpp_stanza_release(m);

	check("<iq type='get' xmlns:b='urn:b' id='1' xmlns='jabber:client' "
	    "xmlns:a='urn:a' a:x='1' to='s'><q xmlns='urn:q'><e/><f>"
	    "</f></q></iq>", XT_FMT_XML, "<iq xmlns=\"jabber:client\" "
	    "xmlns:a=\"urn:a\" xmlns:b=\"urn:b\" a:x=\"1\" id=\"1\" to=\"s\" "
	    "type=\"get\"><q xmlns=\"urn:q\"><e/><f/></q></iq>",
	    "attribute order, empty elements");
	check("<message xml:lang='ja'><body>\xe6\x97\xa5\xe6\x9c\xac "
	    "\xf0\x9f\x98\x80</body></message>", XT_FMT_XML,
	    "<message xml:lang=\"ja\"><body>\xe6\x97\xa5\xe6\x9c\xac "
	    "\xf0\x9f\x98\x80</body></message>", "UTF-8 and xml:lang");
}

static void
test_json(void)
{
	xmpp_stanza_t *m;
	json_t *j;
	char *s;

	check("<message from='a@b/r' to='c@d' type='chat' id='7' "
	    "xml:lang='en'><body>two\nlines\tand \"tab\"</body>"
	    "<subject>s</subject><thread>t1</thread><delay xmlns='urn:xmpp:"
	    "delay' stamp='2024-01-02T03:04:05Z'/></message>", XT_FMT_JSON,
	    "{\"kind\":\"message\",\"from\":\"a@b/r\",\"to\":\"c@d\","
	    "\"type\":\"chat\",\"id\":\"7\",\"lang\":\"en\",\"body\":"
	    "\"two\\nlines\\tand \\\"tab\\\"\",\"subject\":\"s\",\"thread\":"
	    "\"t1\",\"delay\":\"2024-01-02T03:04:05Z\",\"xml\":\"<message "
	    "from=\\\"a@b/r\\\" id=\\\"7\\\" to=\\\"c@d\\\" type=\\\"chat\\\" "
	    "xml:lang=\\\"en\\\"><body>two&#10;lines&#9;and \\\"tab\\\"</body>"
	    "<subject>s</subject><thread>t1</thread><delay xmlns=\\\"urn:xmpp:"
	    "delay\\\" stamp=\\\"2024-01-02T03:04:05Z\\\"/></message>\"}",
	    "message");
	check("<message type='error' from='x@y' id='e'><body>hi</body>"
	    "<error type='cancel'><service-unavailable xmlns='" NS_STANZAS
	    "'/><text xmlns='" NS_STANZAS "'>gone away</text></error>"
	    "</message>", XT_FMT_JSON, "{\"kind\":\"message\",\"from\":"
	    "\"x@y\",\"type\":\"error\",\"id\":\"e\",\"body\":\"hi\","
	    "\"error\":{\"type\":\"cancel\",\"condition\":\"service-"
	    "unavailable\",\"text\":\"gone away\"},\"xml\":\"<message from="
	    "\\\"x@y\\\" id=\\\"e\\\" type=\\\"error\\\"><body>hi</body>"
	    "<error type=\\\"cancel\\\"><service-unavailable xmlns=\\\""
	    NS_STANZAS "\\\"/><text xmlns=\\\"" NS_STANZAS "\\\">gone away"
	    "</text></error></message>\"}", "error message");
	check("<presence from='a@b/c'><show>away</show><status>out\n"
	    "</status><priority>-5</priority></presence>", XT_FMT_JSON,
	    "{\"kind\":\"presence\",\"from\":\"a@b/c\",\"show\":\"away\","
	    "\"status\":\"out\\n\",\"priority\":-5,\"xml\":\"<presence from="
	    "\\\"a@b/c\\\"><show>away</show><status>out&#10;</status>"
	    "<priority>-5</priority></presence>\"}", "presence");
	check("<presence><priority>high</priority></presence>", XT_FMT_JSON,
	    "{\"kind\":\"presence\",\"xml\":\"<presence><priority>high"
	    "</priority></presence>\"}", "bad priority left to xml");
	check("<iq type='get' id='p1' from='s'><ping xmlns='urn:xmpp:ping'/>"
	    "</iq>", XT_FMT_JSON, "{\"kind\":\"iq\",\"from\":\"s\","
	    "\"type\":\"get\",\"id\":\"p1\",\"child\":\"ping\",\"child_ns\":"
	    "\"urn:xmpp:ping\",\"xml\":\"<iq from=\\\"s\\\" id=\\\"p1\\\" "
	    "type=\\\"get\\\"><ping xmlns=\\\"urn:xmpp:ping\\\"/></iq>\"}",
	    "iq");
	check("<iq type='error' id='d'><error type='cancel'><item-not-found "
	    "xmlns='" NS_STANZAS "'/></error><query xmlns='http://jabber.org/"
	    "protocol/disco#info'/></iq>", XT_FMT_JSON, "{\"kind\":\"iq\","
	    "\"type\":\"error\",\"id\":\"d\",\"child\":\"query\",\"child_ns\":"
	    "\"http://jabber.org/protocol/disco#info\",\"error\":{\"type\":"
	    "\"cancel\",\"condition\":\"item-not-found\"},\"xml\":\"<iq id="
	    "\\\"d\\\" type=\\\"error\\\"><error type=\\\"cancel\\\">"
	    "<item-not-found xmlns=\\\"" NS_STANZAS "\\\"/></error><query "
	    "xmlns=\\\"http://jabber.org/protocol/disco#info\\\"/></iq>\"}",
	    "iq error: payload is not <error/>");
	check("<message lang='de'><body>x</body></message>", XT_FMT_XML,
	    "<message xml:lang=\"de\"><body>x</body></message>",
	    "libstrophe's \"lang\" is written back as xml:lang");
	check("<message lang='de' to='a@b'><body>x</body></message>",
	    XT_FMT_XML,
	    "<message to=\"a@b\" xml:lang=\"de\"><body>x</body></message>",
	    "\"lang\" takes the place of xml:lang in the order");
	check("<message lang='de' xml:lang='en'/>", XT_FMT_XML,
	    "<message lang=\"de\" xml:lang=\"en\"/>",
	    "\"lang\" beside xml:lang stays \"lang\"");
	check("<iq type='result' id='r'/>", XT_FMT_JSON, "{\"kind\":\"iq\","
	    "\"type\":\"result\",\"id\":\"r\",\"xml\":\"<iq id=\\\"r\\\" "
	    "type=\\\"result\\\"/>\"}", "iq without payload");

	m = message(NULL, "ctl\x01 bad\xff");
	s = format(m, XT_FMT_JSON);
	ok(s != NULL && strstr(s, "\"body\":\"ctl" R " bad" R "\"") != NULL,
	    "control and invalid UTF-8 replaced in json");
	j = s ? json_loads(s, 0, NULL) : NULL;
	ok(j != NULL, "jansson reads the line back");
	json_decref(j);
	free(s);
	xmpp_stanza_release(m);
}

static void
test_text(void)
{
	xmpp_stanza_t *m;
	char *s;

	check("<message from='a@b/r' type='chat'><body>x\ty\nz\\w&#13;</body>"
	    "</message>", XT_FMT_TEXT, "a@b/r\tchat\tx\\ty\\nz\\\\w\\r",
	    "message with escapes");
	check("<message><body>hi</body></message>", XT_FMT_TEXT,
	    "\tnormal\thi", "message without from and type");
	check("<message from='a@b/\xe2\x80\xae'><body>\x7f \xc2\x85 \xc2\x9b"
	    "31m \xe2\x80\xa8 \xe2\x80\xae caf\xc3\xa9</body></message>",
	    XT_FMT_TEXT, "a@b/\\u202e\tnormal\t\\u007f \\u0085 \\u009b31m "
	    "\\u2028 \\u202e caf\xc3\xa9",
	    "text: DEL, C1, U+2028, U+202E as \\uXXXX; other UTF-8 kept");
	check("<message><body>\x7f \xc2\x85 \xe2\x80\xa8 \xc3\xa9</body>"
	    "</message>", XT_FMT_XML, "<message><body>&#x7F; &#x85; &#x2028; "
	    "\xc3\xa9</body></message>",
	    "xml: DEL, C1, U+2028 as character references");
	check("<message type='error' from='x@y'><body>hi</body><error "
	    "type='cancel'><service-unavailable xmlns='" NS_STANZAS "'/>"
	    "<text xmlns='" NS_STANZAS "'>gone\naway</text></error>"
	    "</message>", XT_FMT_TEXT,
	    "x@y\terror\thi\tservice-unavailable\tgone\\naway",
	    "error message: condition and text");
	check("<presence from='a@b/c'><show>dnd</show><status>busy</status>"
	    "</presence>", XT_FMT_TEXT, "a@b/c\tavailable\tdnd\tbusy",
	    "presence available");
	check("<presence from='a@b/c' type='unavailable'/>", XT_FMT_TEXT,
	    "a@b/c\tunavailable\t\t", "presence unavailable");
	check("<iq from='s' type='get' id='1'><query xmlns='jabber:iq:"
	    "version'/></iq>", XT_FMT_TEXT, "s\tget\tjabber:iq:version", "iq");
	check("<iq from='s' type='error' id='1'><error type='cancel'>"
	    "<bad-request xmlns='" NS_STANZAS "'/></error></iq>",
	    XT_FMT_TEXT, "s\terror\t\tbad-request\t", "iq error");
	check("<r xmlns='urn:xmpp:sm:3' h='1'/>", XT_FMT_TEXT, "\t\tr",
	    "other element");

	m = message("chat", "a\x02" "b");
	s = format(m, XT_FMT_TEXT);
	is(s, "from@example.org/res\tchat\ta" R "b", "control replaced");
	free(s);
	xmpp_stanza_release(m);
}

static void
test_write_error(void)
{
	xmpp_stanza_t *m = message("chat", "hello");
	FILE *f = fopen("/dev/full", "w");

	if (f == NULL) {
		ok(1, "# SKIP no /dev/full");
	} else {
		setvbuf(f, NULL, _IONBF, 0);
		ok(xt_write_stanza(f, XT_FMT_XML, m) == -1,
		    "xml: -1 on ENOSPC");
		ok(xt_write_stanza(f, XT_FMT_JSON, m) == -1, "json: -1");
		ok(xt_write_stanza(f, XT_FMT_TEXT, m) == -1, "text: -1");
		fclose(f);
	}
	xmpp_stanza_release(m);
}

/* A line read back and written again is the same line. */
static void
test_round_trip(void)
{
	static const char *lines[] = {
		"<message xmlns=\"jabber:client\" from=\"a@b/c\" id=\"1\" "
		"to=\"d@e\" type=\"chat\" xml:lang=\"en\"><body>one&#10;two"
		"&#9;&#13;&amp;&lt;&gt;\"'</body><active xmlns=\"http://"
		"jabber.org/protocol/chatstates\"/></message>",
		"<presence><show>away</show><status> lead and trail "
		"</status><c xmlns=\"http://jabber.org/protocol/caps\" "
		"hash=\"sha-1\" node=\"n\" ver=\"v&amp;&quot;&lt;&gt;&#9;"
		"&#10;&#13;\"/></presence>",
		"<stream:features xmlns:stream=\"http://etherx.jabber.org/"
		"streams\"><x:a xmlns:x=\"urn:x\" x:b=\"c\">\xe2\x82\xac "
		"\xf0\x9f\x98\x80</x:a></stream:features>",
		"<a> <b/> </a>",
	};
	xmpp_stanza_t *st;
	char *out;
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		st = parse(lines[i]);
		out = st ? xt_stanza_xml_line(st) : NULL;
		is(out, lines[i], "round trip %zu", i + 1);
		free(out);
		if (st != NULL)
			xmpp_stanza_release(st);
	}
}

int
main(void)
{
	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL);
	test_xml();
	test_json();
	test_text();
	test_write_error();
	test_round_trip();
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
	return done_testing();
}
