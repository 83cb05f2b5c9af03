/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for common/pretty.c: stanzas for a person at a terminal. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "xt.h"

#define R "\xef\xbf\xbd"	/* U+FFFD */
#define TAG "\033[1;34m"
#define ATTR "\033[33m"
#define VAL "\033[32m"
#define OFF "\033[0m"

static xmpp_ctx_t *ctx;

/* An element name with attributes given as name, value, ..., NULL. */
static xmpp_stanza_t *
el(const char *name, ...)
{
	xmpp_stanza_t *st = xmpp_stanza_new(ctx);
	const char *k, *v;
	va_list ap;

	xmpp_stanza_set_name(st, name);
	va_start(ap, name);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		xmpp_stanza_set_attribute(st, k, v);
	}
	va_end(ap);
	return st;
}

static xmpp_stanza_t *
text(const char *s)
{
	xmpp_stanza_t *t = xmpp_stanza_new(ctx);

	xmpp_stanza_set_text(t, s);
	return t;
}

/* Add child to parent (which takes it over); returns child. */
static xmpp_stanza_t *
add(xmpp_stanza_t *parent, xmpp_stanza_t *child)
{
	xmpp_stanza_add_child(parent, child);
	xmpp_stanza_release(child);
	return child;
}

/* st printed plain gives exp; st is released. */
static void
check(xmpp_stanza_t *st, const char *exp, const char *name)
{
	char *s = xt_stanza_pretty(st, 0);

	is(s, exp, name);
	free(s);
	xmpp_stanza_release(st);
}

/* s without its ESC [ ... m sequences; malloc'd. */
static char *
strip(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	while (*s != '\0') {
		if (s[0] == '\033' && s[1] == '[') {
			s += 2;
			while (*s != '\0' && *s != 'm')
				s++;
			if (*s == 'm')
				s++;
			continue;
		}
		*o++ = *s++;
	}
	*o = '\0';
	return out;
}

static void
test_elements(void)
{
	xmpp_stanza_t *st, *a, *b;

	check(el("presence", NULL), "<presence/>\n", "empty element");
	check(el("iq", "type", "get", "to", "b@example.org", "xmlns",
	    "jabber:client", "id", "1", "from", "a@example.org/r", "a:z",
	    "2", "Z", "3", NULL),
	    "<iq xmlns=\"jabber:client\" Z=\"3\" a:z=\"2\" "
	    "from=\"a@example.org/r\" id=\"1\" to=\"b@example.org\" "
	    "type=\"get\"/>\n", "xmlns first and once, then by name");

	st = el("iq", "type", "get", "id", "p1", NULL);
	add(st, el("ping", "xmlns", "urn:xmpp:ping", NULL));
	check(st, "<iq id=\"p1\" type=\"get\">\n"
	    "  <ping xmlns=\"urn:xmpp:ping\"/>\n"
	    "</iq>\n", "iq with a ping child");

	st = el("message", "to", "a@example.org", "type", "chat", NULL);
	add(add(st, el("body", NULL)), text("hello there"));
	check(st, "<message to=\"a@example.org\" type=\"chat\">\n"
	    "  <body>hello there</body>\n"
	    "</message>\n", "message with a body: text inline");

	st = el("a", NULL);
	a = add(st, el("b", "n", "1", NULL));
	b = add(a, el("c", NULL));
	add(b, el("d", "x", "y", NULL));
	add(add(b, el("e", NULL)), text("deep"));
	add(a, el("f", NULL));
	add(st, el("g", NULL));
	check(st, "<a>\n"
	    "  <b n=\"1\">\n"
	    "    <c>\n"
	    "      <d x=\"y\"/>\n"
	    "      <e>deep</e>\n"
	    "    </c>\n"
	    "    <f/>\n"
	    "  </b>\n"
	    "  <g/>\n"
	    "</a>\n", "nested levels, two spaces each");

	st = el("body", NULL);
	add(st, text("one "));
	add(st, text("two"));
	check(st, "<body>one two</body>\n", "text children concatenated");

	st = el("body", NULL);
	add(st, text("euro \xe2\x82"));
	add(st, text("\xac!"));
	check(st, "<body>euro \xe2\x82\xac!</body>\n",
	    "a character split between two text children is one");

	check(text("just <text>\n"), "just &lt;text&gt;\n\n",
	    "a text node alone: its text and a newline");
}

static void
test_escaping(void)
{
	xmpp_stanza_t *st;

	st = el("message", "x", "a & b < c > d \"e\" 'f'", NULL);
	add(add(st, el("body", NULL)), text("a & b < c > d \"e\" 'f'"));
	check(st, "<message x=\"a &amp; b &lt; c &gt; d &quot;e&quot; "
	    "'f'\">\n"
	    "  <body>a &amp; b &lt; c &gt; d \"e\" 'f'</body>\n"
	    "</message>\n", "markup escaped; \" only in attributes");

	st = el("message", "x", "\x1b[2J \xc2\x85 \xe2\x80\xae \x7f \r "
	    "\xc2\x9b \xe2\x80\xa8 \xe2\x81\xa6", NULL);
	add(add(st, el("body", NULL)), text("\x1b[31mred\x1b[0m \xc2\x85 "
	    "txt.\xe2\x80\xae" "exe \x7f a\rb \x01 \xc3\xa9"));
	check(st, "<message x=\"&#x1b;[2J &#x85; &#x202e; &#x7f; &#xd; "
	    "&#x9b; &#x2028; &#x2066;\">\n"
	    "  <body>&#x1b;[31mred&#x1b;[0m &#x85; txt.&#x202e;exe &#x7f; "
	    "a&#xd;b &#x1; \xc3\xa9</body>\n"
	    "</message>\n",
	    "ESC, C1, U+202E, DEL, CR as references in text and attribute");

	st = el("message", "x", "a\tb\nc", NULL);
	add(add(st, el("body", NULL)), text("line 1\n\tline 2\n"));
	check(st, "<message x=\"a&#x9;b&#xa;c\">\n"
	    "  <body>line 1\n\tline 2\n</body>\n"
	    "</message>\n",
	    "tab and newline kept in text, references in attributes");

	st = el("body", "x", "\xff" "a\xe2\x82", NULL);
	add(st, text("bad \xff\xfe byte \xc3 \xef\xbf\xbe"));
	check(st, "<body x=\"" R "a" R "\">bad " R R " byte " R " " R
	    "</body>\n", "bytes that are not UTF-8 as U+FFFD");

	check(el("a\x1b" "b", "c\xe2\x80\xae", "d", NULL),
	    "<a&#x1b;b c&#x202e;=\"d\"/>\n",
	    "names made by code cannot reach the terminal raw either");
}

static void
test_text_among_elements(void)
{
	xmpp_stanza_t *st;

	st = el("a", NULL);
	add(st, text("\n  "));
	add(st, el("b", NULL));
	add(st, text("\n\t \r\n"));
	add(st, el("c", NULL));
	add(st, text(" "));
	check(st, "<a>\n  <b/>\n  <c/>\n</a>\n",
	    "whitespace-only text between elements skipped");

	st = xmpp_stanza_new_from_string(ctx, "<q xmlns='urn:q'>\n  <item "
	    "jid='a@b'/>\n  <item jid='c@d'>\n    <group>g</group>\n  "
	    "<x xmlns='urn:x'><y/></x></item>\n</q>");
	if (st == NULL)
		ok(0, "xmpp_stanza_new_from_string");
	else
		check(st, "<q xmlns=\"urn:q\">\n"
		    "  <item jid=\"a@b\"/>\n"
		    "  <item jid=\"c@d\">\n"
		    "    <group>g</group>\n"
		    "    <x xmlns=\"urn:x\">\n"
		    "      <y/>\n"
		    "    </x>\n"
		    "  </item>\n"
		    "</q>\n", "parsed indented XML: its whitespace skipped, "
		    "the xmlns libstrophe repeats on each child left out, a "
		    "child's own kept");

	st = el("p", NULL);
	add(st, text("one & "));
	add(add(st, el("b", NULL)), text("two"));
	add(st, text("three\x1b"));
	add(st, el("br", NULL));
	check(st, "<p>\n"
	    "  one &amp; \n"
	    "  <b>two</b>\n"
	    "  three&#x1b;\n"
	    "  <br/>\n"
	    "</p>\n", "mixed content: text on its own line, escaped");
}

static void
test_color(void)
{
	xmpp_stanza_t *st;
	char *plain, *col, *s;

	st = el("iq", "type", "get", "xmlns", "jabber:client", NULL);
	add(st, el("ping", NULL));
	add(add(st, el("body", "a", "<\"x\">", NULL)), text("hi & \x1b"));
	plain = xt_stanza_pretty(st, 0);
	col = xt_stanza_pretty(st, 1);
	is(col, TAG "<iq" OFF " " ATTR "xmlns" OFF "=" VAL "\"jabber:client\""
	    OFF " " ATTR "type" OFF "=" VAL "\"get\"" OFF TAG ">" OFF "\n"
	    "  " TAG "<ping/>" OFF "\n"
	    "  " TAG "<body" OFF " " ATTR "a" OFF "=" VAL "\"&lt;&quot;x&quot;"
	    "&gt;\"" OFF TAG ">" OFF "hi &amp; &#x1b;" TAG "</body>" OFF "\n"
	    TAG "</iq>" OFF "\n",
	    "colours: tags bold blue, names yellow, values green");
	s = strip(col);
	is(s, plain, "colours removed: the plain output");
	ok(strcmp(col, plain) != 0, "the coloured output differs");
	ok(strchr(plain, '\033') == NULL, "no escape without colour");
	free(s);
	free(col);
	free(plain);
	xmpp_stanza_release(st);

	st = text("a\x1b[31m");
	col = xt_stanza_pretty(st, 1);
	is(col, "a&#x1b;[31m\n", "text alone is not coloured");
	free(col);
	xmpp_stanza_release(st);
}

static void
test_large(void)
{
	const size_t n = 1 << 20, depth = 2000;
	const char *first = "<x>\n  <x>\n    <x>\n";
	const char *last = "    </x>\n  </x>\n</x>\n";
	xmpp_stanza_t *st, *e;
	char *big, *s, *exp;
	size_t i, len;

	big = malloc(n + 1);
	for (i = 0; i < n; i++)
		big[i] = i % 64 == 63 ? '\n' : 'a' + i % 26;
	big[n] = '\0';
	st = el("body", NULL);
	add(st, text(big));
	s = xt_stanza_pretty(st, 0);
	len = strlen(s);
	ok(len == n + strlen("<body></body>\n"),
	    "1 MB of text: %zu bytes of output", len);
	ok(strncmp(s, "<body>", 6) == 0 && memcmp(s + 6, big, n) == 0 &&
	    strcmp(s + 6 + n, "</body>\n") == 0, "1 MB of text intact");
	free(s);
	free(big);
	xmpp_stanza_release(st);

	/* Levels 0 to depth - 2 open and close, the last one is <x/>: the
	 * indentation alone is 2 * depth * depth bytes. */
	st = el("x", NULL);
	for (e = st, i = 1; i < depth; i++)
		e = add(e, el("x", NULL));
	s = xt_stanza_pretty(st, 0);
	len = strlen(s);
	ok(len == 2 * (depth - 1) * (depth - 2) + 9 * (depth - 1) +
	    2 * (depth - 1) + 5, "depth %zu: %zu bytes", depth, len);
	exp = malloc(2 * depth + 8);
	memset(exp, ' ', 2 * (depth - 1));
	strcpy(exp + 2 * (depth - 1), "<x/>\n");
	ok(strncmp(s, first, strlen(first)) == 0 && strstr(s, exp) != NULL &&
	    len > strlen(last) && strcmp(s + len - strlen(last), last) == 0,
	    "depth %zu: first, deepest and last lines", depth);
	free(exp);
	free(s);
	xmpp_stanza_release(st);
}

int
main(void)
{
	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL);
	test_elements();
	test_escaping();
	test_text_among_elements();
	test_color();
	test_large();
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
	return done_testing();
}
