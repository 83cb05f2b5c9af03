/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for common/reader.c: stanzas from a byte stream. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "xt.h"

#define R "\xef\xbf\xbd"	/* U+FFFD */

static xmpp_ctx_t *ctx;

/* What one run of the reader gave. */
static struct {
	char out[1 << 16];	/* the stanzas as XML lines */
	char err[256];		/* xt_reader_error(), "" if none */
	char warn[1024];	/* what went to stderr */
	int rc, count, stop_after;
} got;

static int
collect(xmpp_stanza_t *st, void *arg)
{
	char *line = xt_stanza_xml_line(st);

	(void)arg;
	if (strlen(got.out) + strlen(line) + 2 < sizeof(got.out)) {
		strcat(got.out, line);
		strcat(got.out, "\n");
	}
	free(line);
	return ++got.count == got.stop_after;
}

/* Feed len bytes of in, chunk bytes at a time (0: all at once), then end
 * the input; record stanzas, error and warnings in got. */
static void
run_n(const char *in, size_t len, size_t chunk)
{
	struct xt_reader *r = xt_reader_new(ctx, collect, NULL);
	FILE *tmp = tmpfile();
	int saved = dup(2), stop = got.stop_after;
	size_t i, n;
	const char *e;

	memset(&got, 0, sizeof(got));
	got.stop_after = stop;
	fflush(stderr);
	dup2(fileno(tmp), 2);
	if (chunk == 0)
		chunk = len ? len : 1;
	for (i = 0; i < len && got.rc == 0; i += n) {
		n = len - i < chunk ? len - i : chunk;
		got.rc = xt_reader_feed(r, in + i, n, 0);
	}
	if (got.rc == 0)
		got.rc = xt_reader_feed(r, NULL, 0, 1);
	if ((e = xt_reader_error(r)) != NULL)
		snprintf(got.err, sizeof(got.err), "%s", e);
	xt_reader_free(r);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(got.warn, 1, sizeof(got.warn) - 1, tmp);
	got.warn[n] = '\0';
	fclose(tmp);
}

static void
run(const char *in, size_t chunk)
{
	run_n(in, strlen(in), chunk);
}

/* in gives exactly the lines exp, whole and byte by byte. */
static void
yields(const char *in, const char *exp, const char *name)
{
	char bytewise[256];

	snprintf(bytewise, sizeof(bytewise), "%s, byte by byte", name);
	run(in, 0);
	is(got.out, exp, name);
	ok(got.rc == 0 && got.err[0] == '\0', "%s: no error (%d '%s')", name,
	    got.rc, got.err);
	run(in, 1);
	is(got.out, exp, bytewise);
}

/* in fails with the error exp. */
static void
fails(const char *in, const char *exp, const char *name)
{
	char bytewise[256];

	snprintf(bytewise, sizeof(bytewise), "%s, byte by byte", name);
	run(in, 0);
	ok(got.rc == -1, "%s: -1 (got %d)", name, got.rc);
	is(got.err, exp, name);
	run(in, 1);
	is(got.err, exp, bytewise);
}

static void
test_layout(void)
{
	yields("<message to='a@b'><body>hi</body></message>",
	    "<message to=\"a@b\"><body>hi</body></message>\n", "one stanza");
	yields("<a/><b/>  <c x='1'/>\n", "<a/>\n<b/>\n<c x=\"1\"/>\n",
	    "several on one line");
	yields("\n\n  <message\n   to='a@b'\n>\n<body>two\n  lines</body>"
	    "\n</message>\n\n", "<message to=\"a@b\">&#10;<body>two&#10;  "
	    "lines</body>&#10;</message>\n", "one over many lines");
	yields("<a> <b> x </b>\t</a>", "<a> <b> x </b>&#9;</a>\n",
	    "whitespace inside kept");
	yields("", "", "empty input");
	yields(" \n\t\r\n ", "", "only whitespace");
	yields("<a>x</a>\r\n<b>y\r\nz</b>\r\n", "<a>x</a>\n<b>y&#10;z</b>\n",
	    "CRLF line ends");
	yields("<a>&amp;&lt;&gt;&quot;&apos;&#10;&#x263A;</a>",
	    "<a>&amp;&lt;&gt;\"'&#10;\xe2\x98\xba</a>\n", "references");
	yields("<a><![CDATA[<b>&]]></a>", "<a>&lt;b&gt;&amp;</a>\n", "CDATA");
	yields("<a>x<!-- c -->y<?pi z?></a><!-- between -->",
	    "<a>xy</a>\n", "comments and PIs dropped, text joined");
	yields("<a>caf\xc3\xa9 \xf0\x9f\x98\x80</a>",
	    "<a>caf\xc3\xa9 \xf0\x9f\x98\x80</a>\n", "UTF-8 kept");
}

static void
test_attributes(void)
{
	yields("<message xml:lang='en' xmlns='jabber:client' type='chat'>"
	    "<body xml:lang='de'>hallo</body></message>",
	    "<message xmlns=\"jabber:client\" type=\"chat\" xml:lang=\"en\">"
	    "<body xml:lang=\"de\">hallo</body></message>\n",
	    "xml:lang and xmlns kept");
	yields("<stream:features xmlns:stream='http://etherx.jabber.org/"
	    "streams'><x:y xmlns:x='urn:x'/></stream:features>",
	    "<stream:features xmlns:stream=\"http://etherx.jabber.org/"
	    "streams\"><x:y xmlns:x=\"urn:x\"/></stream:features>\n",
	    "prefixes kept as written");
	yields("<a v='tab&#9;nl&#10;cr&#13;' w='raw\tnl\n'/>",
	    "<a v=\"tab&#9;nl&#10;cr&#13;\" w=\"raw nl \"/>\n",
	    "attribute references and normalisation");
	yields("<a v=\"'&lt;&amp;&quot;>\"/>",
	    "<a v=\"'&lt;&amp;&quot;&gt;\"/>\n", "attribute escapes");
}

static void
test_prolog(void)
{
	yields("<?xml version='1.0'?><a/>", "<a/>\n", "XML declaration");
	yields("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<a/>\n<b/>",
	    "<a/>\n<b/>\n", "declaration with encoding UTF-8");
	yields("\xef\xbb\xbf<a/>", "<a/>\n", "byte order mark");
	yields("\xef\xbb\xbf<?xml version='1.0'?><a/>", "<a/>\n",
	    "byte order mark and declaration");
	yields("<?xml-stylesheet href='x'?><a/>", "<a/>\n",
	    "a PI that is not a declaration");
	yields("<?xml version='1.0'?>", "", "declaration only");
	fails("<?xml version='1.0' encoding='ISO-8859-1'?>\n<a/>",
	    "line 1: encoding 'ISO-8859-1' is not supported, only UTF-8",
	    "Latin-1 declaration");
	fails("<a/>\n<?xml version='1.0'?><b/>",
	    "line 2: XML declaration not at the start of the input",
	    "second declaration");
	fails("<?xml version='1.0'?><a/>\n\n<?xml version='1.0'?><b/>",
	    "line 3: XML declaration not at the start of the input",
	    "concatenated documents");
	fails(" <?xml version='1.0'?><a/>",
	    "line 1: XML declaration not at the start of the input",
	    "declaration after whitespace");
	fails("<?xml version='1.0'?>\n<!DOCTYPE a [<!ENTITY x 'y'>]>\n<a/>",
	    "line 2: DOCTYPE and entity declarations are not allowed",
	    "DOCTYPE");
	fails("<a/>\n<!ENTITY x 'y'>",
	    "line 2: DOCTYPE and entity declarations are not allowed",
	    "ENTITY");
	run_n("<a/>\n<!DOCX>", 12, 8);
	is(got.err, "line 2: DOCTYPE and entity declarations are not allowed",
	    "'<!DOCX' read as '<!DOC' and 'X>': named as a declaration");
	fails("<a/>\n<!DOCX>",
	    "line 2: DOCTYPE and entity declarations are not allowed",
	    "... and so whole");
}

static void
test_lines(void)
{
	fails("<a>\n<b>\n</c></a>", "line 3: mismatched tag",
	    "mismatched tag on line 3");
	fails("<?xml version='1.0'?>\n<a>\n\n</c>", "line 4: mismatched tag",
	    "line numbers after a declaration");
	fails("<a/>\nhello <b/>", "line 2: text outside a stanza",
	    "text between stanzas");
	fails("<a/>\n\n<b>x", "line 3: <b> not closed at end of input",
	    "unclosed at end of input");
	fails("<a/>\n<b to='x", "line 2: unexpected end of input",
	    "end of input inside a tag");
	fails("<a/></stream>", "line 1: mismatched tag", "stray </stream>");
	fails("<a>&foo;</a>", "line 1: undefined entity", "undefined entity");
	fails("<a/>\n<b>&#1;</b>",
	    "line 2: reference to invalid character number",
	    "character reference to a control character");
	fails("<a x='1' x='2'/>", "line 1: duplicate attribute",
	    "duplicate attribute");
}

static void
test_replace(void)
{
	run("<a>x\x01y</a>\n<b>caf\xe9</b>\n<c t='\x1b[1m'/>\n", 0);
	is(got.out, "<a>x" R "y</a>\n<b>caf" R "</b>\n<c t=\"" R "[1m\"/>\n",
	    "controls and Latin-1 replaced");
	ok(got.rc == 0, "no error");
	is(got.warn, "xmpp-tools: warning: line 1: replaced 1 character that "
	    "XMPP cannot carry with U+FFFD\nxmpp-tools: warning: line 2: "
	    "replaced 1 character that XMPP cannot carry with U+FFFD\n"
	    "xmpp-tools: warning: line 3: replaced 1 character that XMPP "
	    "cannot carry with U+FFFD\n", "one warning a line");
	run("<a>x\x01y</a>\n<b>caf\xe9</b>\n<c t='\x1b[1m'/>\n", 1);
	is(got.out, "<a>x" R "y</a>\n<b>caf" R "</b>\n<c t=\"" R "[1m\"/>\n",
	    "replaced byte by byte");
	ok(strstr(got.warn, "line 3: replaced 1 ") != NULL &&
	    strstr(got.warn, "line 2: replaced 1 ") != NULL,
	    "warnings byte by byte");
	run("<a>\x01\x02\xff</a>", 1);
	is(got.warn, "xmpp-tools: warning: line 1: replaced 3 characters "
	    "that XMPP cannot carry with U+FFFD\n", "one warning for a line");
	run("<a>\xe2\x82", 0);
	ok(got.rc == -1 && strstr(got.warn, "replaced 1 ") != NULL,
	    "truncated UTF-8 at end of input");
	run("<a>\xef\xbf\xbe</a>", 0);
	is(got.out, "<a>" R "</a>\n", "U+FFFE replaced");
	yields("<a>\xe2\x82\xac\xf0\x9f\x98\x80</a>",
	    "<a>\xe2\x82\xac\xf0\x9f\x98\x80</a>\n", "no warning for UTF-8");
	is(got.warn, "", "no warning");
}

static void
test_limits(void)
{
	size_t big = 10 * 1024 * 1024, n;
	char *in = malloc(big + 1024), *p;
	int i;

	p = in;
	for (i = 0; i < 100; i++)
		p += sprintf(p, "<a>");
	for (i = 0; i < 100; i++)
		p += sprintf(p, "</a>");
	run(in, 0);
	ok(got.rc == 0 && got.count == 1, "depth 100 is fine");
	p = in;
	for (i = 0; i < 101; i++)
		p += sprintf(p, "<a>\n");
	*p = '\0';
	run(in, 0);
	is(got.err, "line 101: elements nested deeper than 100",
	    "depth 101 refused");

	n = sprintf(in, "<a>");
	memset(in + n, 'x', big - 100);
	strcpy(in + n + big - 100, "</a><b/>");
	run(in, 0);
	ok(got.rc == 0 && got.count == 2, "stanza just under 10 MiB");
	run_n(in, strlen(in), 4096);
	ok(got.rc == 0 && got.count == 2, "... in 4 KiB reads");
	memset(in + n, 'x', big);
	strcpy(in + n + big, "</a>");
	run(in, 0);
	is(got.err, "line 1: stanza larger than 10 MiB", "text over 10 MiB");
	n = sprintf(in, "<a/>\n<a v='");
	memset(in + n, 'x', big);
	in[n + big] = '\0';
	run(in, 0);
	is(got.err, "line 2: stanza larger than 10 MiB",
	    "unfinished start tag over 10 MiB");

	p = in + sprintf(in, "<a>");
	for (i = 0; i < 10000; i++)
		p += sprintf(p, "<b/>");
	strcpy(p, "</a>");
	run(in, 0);
	ok(got.rc == 0 && got.count == 1, "10000 children");
	strcpy(p, "<b/></a>");
	run(in, 0);
	is(got.err, "line 1: element with more than 10000 children",
	    "10001 children");
	p = in + sprintf(in, "<a");
	for (i = 0; i < 1000; i++)
		p += sprintf(p, " a%d='%d'", i, i);
	strcpy(p, "/>");
	run(in, 0);
	ok(got.rc == 0 && got.count == 1, "1000 attributes");
	strcpy(p, " z=''/>");
	run(in, 0);
	is(got.err, "line 1: element with more than 1000 attributes",
	    "1001 attributes");
	strcpy(p, " z=''/>");
	memmove(in + 9, in, strlen(in) + 1);
	memcpy(in, "<m>\n<b/>\n", 9);
	run(in, 0);
	is(got.err, "line 3: element with more than 1000 attributes",
	    "... named by its line, inside a stanza");
	p = in + sprintf(in, "<a>");
	for (i = 0; i < 100000; i++)
		p += sprintf(p, "%s<b/>", i % 5000 ? "" : "<c>");
	strcpy(p, "</a>");
	run(in, 0);
	is(got.err, "line 1: stanza has more than 100000 elements, attributes "
	    "and texts", "too many elements");
	free(in);
}

static void
test_stop(void)
{
	got.stop_after = 2;
	run("<a/><b/><c/>", 0);
	ok(got.rc == 1 && got.count == 2, "callback stops the reader");
	got.stop_after = 2;
	run("<a/><b/><c/>", 1);
	ok(got.rc == 1 && got.count == 2, "... byte by byte");
	got.stop_after = 0;
}

/* A stanza must not wait for the next read (interactive use, pipes). */
static void
test_prompt(void)
{
	struct xt_reader *r = xt_reader_new(ctx, collect, NULL);
	const char *in = "<a>x</a><b/>\n<c\n/>";
	int counts[3], rc = 0;

	memset(&got, 0, sizeof(got));
	rc |= xt_reader_feed(r, in, 8, 0);
	counts[0] = got.count;
	rc |= xt_reader_feed(r, in + 8, 4, 0);
	counts[1] = got.count;
	rc |= xt_reader_feed(r, in + 12, strlen(in + 12), 0);
	counts[2] = got.count;
	ok(rc == 0 && counts[0] == 1 && counts[1] == 2 && counts[2] == 3,
	    "each stanza handed on at its last byte (%d %d %d)", counts[0],
	    counts[1], counts[2]);
	xt_reader_free(r);
}

/* Everything at once at every split point into two reads. */
static void
test_splits(void)
{
	const char *in = "\xef\xbb\xbf<?xml version='1.0'?>\n<m xml:lang="
	    "'fr'>\xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80<![CDATA[<]]></m>\n"
	    "<!-- x --><p><s>a&amp;b</s></p>";
	const char *exp = "<m xml:lang=\"fr\">\xc3\xa9t\xc3\xa9 "
	    "\xf0\x9f\x98\x80&lt;</m>\n<p><s>a&amp;b</s></p>\n";
	struct xt_reader *r;
	size_t i, len = strlen(in), bad = 0;

	for (i = 0; i <= len; i++) {
		memset(&got, 0, sizeof(got));
		r = xt_reader_new(ctx, collect, NULL);
		if (xt_reader_feed(r, in, i, 0) != 0 ||
		    xt_reader_feed(r, in + i, len - i, 1) != 0 ||
		    strcmp(got.out, exp) != 0)
			bad++;
		xt_reader_free(r);
	}
	ok(bad == 0, "every split point (%zu bad)", bad);
}

static int
count_only(xmpp_stanza_t *st, void *arg)
{
	(void)st;
	++*(int *)arg;
	return 0;
}

/* Feed in without ending the input: what xt_reader_unfinished says. */
static size_t
unfinished(const char *in, int *open, int *count, int *rc)
{
	struct xt_reader *r;
	size_t n;

	*count = 0;
	r = xt_reader_new(ctx, count_only, count);
	*rc = xt_reader_feed(r, in, strlen(in), 0);
	n = xt_reader_unfinished(r, open);
	xt_reader_free(r);
	return n;
}

/* What an interactive console needs: is the typed XML complete, and
 * where is an error. */
static void
test_unfinished(void)
{
	struct xt_reader *r;
	unsigned long line, col;
	const char *msg;
	int open, count, rc;
	size_t n;

	n = unfinished("<iq type='get'>\n", &open, &count, &rc);
	ok(rc == 0 && open && count == 0 && n > 0,
	    "unfinished: an open element");
	n = unfinished("<iq", &open, &count, &rc);
	ok(rc == 0 && !open && n == 3, "unfinished: a tag begun (%zu)", n);
	n = unfinished("<iq/>\n", &open, &count, &rc);
	ok(rc == 0 && !open && count == 1 && n <= 1,
	    "unfinished: a complete element leaves at most whitespace (%zu)",
	    n);
	n = unfinished("<a/><b><c/></b>  <d", &open, &count, &rc);
	ok(rc == 0 && !open && count == 2 && (n == 2 || n == 4),
	    "unfinished: the tail after two elements, its whitespace or not "
	    "(%zu)", n);
	n = unfinished("<?xml version='1.0'?>\n<a>", &open, &count, &rc);
	ok(rc == 0 && open && count == 0, "unfinished: after a declaration");
	n = unfinished("", &open, &count, &rc);
	ok(rc == 0 && !open && n == 0, "unfinished: nothing fed");

	r = xt_reader_new(ctx, count_only, &count);
	rc = xt_reader_feed(r, "<iq>\n  <a></b>\n", 16, 0);
	msg = xt_reader_error_at(r, &line, &col);
	ok(rc == -1 && msg != NULL && strcmp(msg, "mismatched tag") == 0,
	    "error_at: the message without its position (%s)", msg);
	ok(line == 2 && col == 8, "error_at: line 2, column 8 (%lu, %lu)",
	    line, col);
	xt_reader_free(r);
	r = xt_reader_new(ctx, count_only, &count);
	rc = xt_reader_feed(r, "<a x='1' x='2'/>", 16, 0);
	msg = xt_reader_error_at(r, &line, &col);
	ok(rc == -1 && line == 1 && col >= 1 && col <= 10,
	    "error_at: columns of line 1 do not count the synthetic root "
	    "(%lu)", col);
	xt_reader_free(r);
	r = xt_reader_new(ctx, count_only, &count);
	rc = xt_reader_feed(r, "<a/>", 4, 0);
	ok(rc == 0 && xt_reader_error_at(r, &line, &col) == NULL,
	    "error_at: NULL without an error");
	xt_reader_free(r);
}

static int
first_line(xmpp_stanza_t *st, void *arg)
{
	char **out = arg;

	if (*out == NULL)
		*out = xt_stanza_xml_line(st);
	return 0;
}

/* Indentation typed between elements, dropped when asked. */
static void
test_trim(void)
{
	static const struct { const char *in, *out, *what; } t[] = {
		{ "<iq type='get'>\n  <query xmlns='q'/>\n</iq>",
		    "<iq type=\"get\"><query xmlns=\"q\"/></iq>",
		    "indentation around a child" },
		{ "<m>\n <body>\n  two lines\n</body>\n</m>",
		    "<m><body>&#10;  two lines&#10;</body></m>",
		    "text with words kept whole" },
		{ "<m><body> </body></m>", "<m><body> </body></m>",
		    "a blank body kept: no element beside it" },
		{ "<m>\n <a/>x <b/>\n</m>", "<m><a/>x <b/></m>",
		    "mixed content keeps its words" },
		{ "<p><b>x</b> <i>y</i></p>", "<p><b>x</b> <i>y</i></p>",
		    "a space between two elements on one line is kept" },
	};
	struct xt_reader *r;
	char *out;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		out = NULL;
		r = xt_reader_new(ctx, first_line, &out);
		xt_reader_trim(r);
		xt_reader_feed(r, t[i].in, strlen(t[i].in), 1);
		ok(out != NULL && strcmp(out, t[i].out) == 0, "trim: %s (%s)",
		    t[i].what, out ? out : "nothing");
		free(out);
		xt_reader_free(r);
	}
	out = NULL;
	r = xt_reader_new(ctx, first_line, &out);
	xt_reader_feed(r, t[0].in, strlen(t[0].in), 1);
	ok(out != NULL && strstr(out, "&#10;  <query") != NULL,
	    "without trim, whitespace is kept");
	free(out);
	xt_reader_free(r);
}

int
main(void)
{
	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL);
	test_layout();
	test_attributes();
	test_prolog();
	test_lines();
	test_replace();
	test_limits();
	test_stop();
	test_prompt();
	test_splits();
	test_unfinished();
	test_trim();
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
	return done_testing();
}
