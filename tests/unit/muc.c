/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for what xmpp-muc is built on: common/lines.c (input split
 * into bounded lines), xt_form_set and xt_form_add_submit of
 * common/form.c (a room's configuration), and the presence readers of
 * common/muc.c (status codes, our own presence, removals). */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "xt.h"

static xmpp_ctx_t *ctx;
static xmpp_stanza_t *parsed;

static int
keep(xmpp_stanza_t *st, void *arg)
{
	(void)arg;
	parsed = xmpp_stanza_clone(st);
	return 1;
}

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

/* ---- lines.c ---- */

#define REC_MAX 16

/* What the callbacks of xt_lines were given, in order. */
struct rec {
	int n;
	struct {
		char kind;	/* 'L' a line, 'T' too_long */
		char s[64];
		size_t len;
		unsigned long lineno;
		unsigned long long bytes;
	} ev[REC_MAX];
	int limit;	/* full() once n reaches it (0: never) */
};

static void
rec_line(const char *s, size_t len, unsigned long lineno, void *arg)
{
	struct rec *r = arg;

	if (r->n >= REC_MAX)
		return;
	r->ev[r->n].kind = 'L';
	memcpy(r->ev[r->n].s, s, len < 63 ? len : 63);
	r->ev[r->n].s[len < 63 ? len : 63] = '\0';
	r->ev[r->n].len = len;
	r->ev[r->n].lineno = lineno;
	r->n++;
}

static void
rec_too_long(unsigned long lineno, unsigned long long bytes, void *arg)
{
	struct rec *r = arg;

	if (r->n >= REC_MAX)
		return;
	r->ev[r->n].kind = 'T';
	r->ev[r->n].s[0] = '\0';
	r->ev[r->n].len = 0;
	r->ev[r->n].lineno = lineno;
	r->ev[r->n].bytes = bytes;
	r->n++;
}

static int
rec_full(void *arg)
{
	struct rec *r = arg;

	return r->limit > 0 && r->n >= r->limit;
}

static void
lines_init(struct xt_lines *l, struct rec *r, size_t max)
{
	memset(l, 0, sizeof(*l));
	memset(r, 0, sizeof(*r));
	l->max = max;
	l->line = rec_line;
	l->too_long = rec_too_long;
	l->arg = r;
}

/* Feed s whole; returns where *used ended. */
static size_t
feed(struct xt_lines *l, const char *s, int (*full)(void *))
{
	size_t used = 0;

	xt_lines_feed(l, s, strlen(s), &used, full);
	return used;
}

/* Event i is the line s (of strlen(s) bytes) numbered lineno. */
static void
is_line(const struct rec *r, int i, const char *s, unsigned long lineno,
    const char *name)
{
	int cond = i < r->n && r->ev[i].kind == 'L' && r->ev[i].len ==
	    strlen(s) && strcmp(r->ev[i].s, s) == 0 && r->ev[i].lineno ==
	    lineno;

	ok(cond, "%s", name);
	if (!cond && i < r->n)
		printf("#   got %c '%s' (%zu bytes) line %lu\n", r->ev[i].kind,
		    r->ev[i].s, r->ev[i].len, r->ev[i].lineno);
	else if (!cond)
		printf("#   got only %d events\n", r->n);
}

/* Event i is a too_long of bytes at lineno. */
static int
is_too_long(const struct rec *r, int i, unsigned long long bytes,
    unsigned long lineno)
{
	return i < r->n && r->ev[i].kind == 'T' && r->ev[i].bytes == bytes &&
	    r->ev[i].lineno == lineno;
}

static void
test_lines_split(void)
{
	struct xt_lines l;
	struct rec r;

	lines_init(&l, &r, 100);
	ok(feed(&l, "hel", NULL) == 3 && r.n == 0,
	    "lines: a piece without newline is all used, nothing passed on");
	ok(feed(&l, "lo\nwor", NULL) == 6 && r.n == 1,
	    "lines: its end in the next buffer makes one line");
	is_line(&r, 0, "hello", 1, "lines: the line cut across two feeds, "
	    "whole");
	ok(feed(&l, "l", NULL) == 1 && r.n == 1,
	    "lines: a third piece of the next line is kept");
	ok(feed(&l, "d\nlast\n", NULL) == 7 && r.n == 3,
	    "lines: the rest gives two more lines");
	is_line(&r, 1, "world", 2, "lines: a line over three feeds, line 2");
	is_line(&r, 2, "last", 3, "lines: the next one in the same buffer, "
	    "line 3");
	xt_lines_finish(&l);
	ok(r.n == 3, "lines: finish after a newline passes nothing more");
	xt_lines_free(&l);
	ok(l.part == NULL && l.partlen == 0, "lines: free drops the buffer");
}

static void
test_lines_empty_cr(void)
{
	struct xt_lines l;
	struct rec r;

	lines_init(&l, &r, 100);
	feed(&l, "a\n\n\nb\n", NULL);
	ok(r.n == 4, "lines: empty lines are passed on (4 lines)");
	is_line(&r, 0, "a", 1, "lines: line 1");
	is_line(&r, 1, "", 2, "lines: empty line 2, 0 bytes");
	is_line(&r, 2, "", 3, "lines: empty line 3, 0 bytes");
	is_line(&r, 3, "b", 4, "lines: line 4 after them");
	feed(&l, "x", NULL);
	feed(&l, "\n\n", NULL);
	is_line(&r, 4, "x", 5, "lines: a kept piece ended by the next "
	    "buffer's first byte");
	is_line(&r, 5, "", 6, "lines: the empty line after it");
	feed(&l, "\n", NULL);
	is_line(&r, 6, "", 7, "lines: a buffer of a lone newline is an empty "
	    "line");
	feed(&l, "dos\r\n\r\n", NULL);
	is_line(&r, 7, "dos\r", 8, "lines: a CR before the newline is kept "
	    "(4 bytes)");
	is_line(&r, 8, "\r", 9, "lines: a line of a lone CR is 1 byte");
	ok(l.lineno == 9, "lines: lineno counts the lines passed on (9)");
	xt_lines_free(&l);
}

static void
test_lines_finish(void)
{
	struct xt_lines l;
	struct rec r;

	lines_init(&l, &r, 100);
	feed(&l, "one\ntwo", NULL);
	ok(r.n == 1, "lines: the last line without newline is kept back");
	is_line(&r, 0, "one", 1, "lines: the line before it");
	feed(&l, "", NULL);
	ok(r.n == 1, "lines: an empty feed changes nothing");
	xt_lines_finish(&l);
	ok(r.n == 2, "lines: finish passes on the last line");
	is_line(&r, 1, "two", 2, "lines: ... whole, as line 2");
	xt_lines_finish(&l);
	ok(r.n == 2, "lines: a second finish passes nothing");
	xt_lines_free(&l);

	lines_init(&l, &r, 100);
	xt_lines_finish(&l);
	ok(r.n == 0 && l.lineno == 0, "lines: finish of no input passes "
	    "nothing");
	xt_lines_free(&l);
}

static void
test_lines_too_long(void)
{
	struct xt_lines l;
	struct rec r;

	/* Across feeds: 5 + 8 bytes before the newline, max 8. */
	lines_init(&l, &r, 8);
	feed(&l, "12345", NULL);
	feed(&l, "67890abc", NULL);
	ok(r.n == 0, "lines: a line growing past max is not passed yet");
	ok(l.part == NULL, "lines: ... nor held in memory");
	feed(&l, "\nnext\n", NULL);
	ok(r.n == 2, "lines: the long line and the next: two events");
	ok(is_too_long(&r, 0, 13, 1), "lines: too_long of line 1 with its "
	    "13 bytes, not passed to line");
	if (r.n > 0 && r.ev[0].kind == 'T')
		printf("# too_long: line %lu, %llu bytes\n", r.ev[0].lineno,
		    r.ev[0].bytes);
	is_line(&r, 1, "next", 2, "lines: the next line passed normally, "
	    "line 2");
	feed(&l, "abcd", NULL);
	feed(&l, "efgh\n", NULL);
	is_line(&r, 2, "abcdefgh", 3, "lines: a line of exactly max bytes "
	    "over two feeds is passed");
	feed(&l, "abcd", NULL);
	feed(&l, "efghi\n", NULL);
	ok(is_too_long(&r, 3, 9, 4), "lines: one of max + 1 bytes over two "
	    "feeds is too long (9 bytes, line 4)");
	feed(&l, "123456789xyz", NULL);
	xt_lines_finish(&l);
	ok(r.n == 5 && is_too_long(&r, 4, 12, 5), "lines: a too long last "
	    "line without newline is reported at finish (12 bytes, line 5)");
	xt_lines_free(&l);

	/* The long line whole in one buffer. */
	lines_init(&l, &r, 8);
	feed(&l, "0123456789\nok\n", NULL);
	ok(r.n == 2, "lines: a long line in one buffer and the next: two "
	    "events");
	ok(is_too_long(&r, 0, 10, 1), "lines: a line of 10 bytes in one "
	    "buffer, max 8, goes to too_long (10 bytes, line 1), not to line");
	if (r.n > 0 && r.ev[0].kind == 'L')
		printf("#   got line '%s' (%zu bytes) line %lu\n", r.ev[0].s,
		    r.ev[0].len, r.ev[0].lineno);
	is_line(&r, 1, "ok", 2, "lines: the next line passed normally, "
	    "line 2");
	feed(&l, "12345678\n", NULL);
	is_line(&r, 2, "12345678", 3, "lines: a line of exactly max bytes in "
	    "one buffer is passed");
	xt_lines_free(&l);
}

static void
test_lines_full(void)
{
	struct xt_lines l;
	struct rec r;
	const char *buf = "a\nbb\nccc\ndd";
	size_t used = 0, len = strlen(buf);

	lines_init(&l, &r, 100);
	r.limit = 2;
	xt_lines_feed(&l, buf, len, &used, rec_full);
	ok(r.n == 2, "lines: full stops the feed after 2 lines");
	ok(used == 5, "lines: *used points at the next line (5, got %zu)",
	    used);
	is(buf + used, "ccc\ndd", "lines: ... which is the third");
	xt_lines_feed(&l, buf, len, &used, rec_full);
	ok(r.n == 2 && used == 5, "lines: while full, nothing moves");
	r.limit = 3;
	xt_lines_feed(&l, buf, len, &used, rec_full);
	ok(r.n == 3 && used == 9, "lines: room for one more: one line, "
	    "*used at 9 (got %zu)", used);
	is_line(&r, 2, "ccc", 3, "lines: the third line, numbered 3");
	r.limit = 0;
	xt_lines_feed(&l, buf, len, &used, rec_full);
	ok(r.n == 3 && used == len, "lines: room again: the unfinished rest "
	    "is used and kept");
	xt_lines_finish(&l);
	is_line(&r, 3, "dd", 4, "lines: ... and passed at finish");
	xt_lines_free(&l);

	lines_init(&l, &r, 100);
	r.limit = 1;
	r.n = 1;	/* full from the start */
	used = 0;
	xt_lines_feed(&l, buf, len, &used, rec_full);
	ok(used == 0 && l.lineno == 0, "lines: full from the start: *used "
	    "stays 0");
	xt_lines_free(&l);
}

/* ---- form.c ---- */

#define DATA_NS "jabber:x:data"
#define CONFIG "http://jabber.org/protocol/muc#roomconfig"
#define P "muc#roomconfig_"

static const char *config_xml = "<x xmlns='" DATA_NS "' type='form'>"
    "<title>Configuration of the room</title>"
    "<instructions>Fill it in</instructions>"
    "<field var='FORM_TYPE' type='hidden'><value>" CONFIG "</value></field>"
    "<field type='fixed'><value>Room settings</value></field>"
    "<field var='" P "note' type='fixed'><value>a note</value></field>"
    "<field type='text-single'><value>without var</value></field>"
    "<field var='" P "roomname' type='text-single' label='Name'>"
    "<value>Old name</value></field>"
    "<field var='" P "persistentroom' type='boolean'><value>0</value>"
    "</field>"
    "<field var='" P "whois' type='list-single'>"
    "<option label='Moderators'><value>moderators</value></option>"
    "<option label='Anyone'><value>anyone</value></option>"
    "<value>moderators</value></field>"
    "<field var='" P "presencebroadcast' type='list-multi'>"
    "<option><value>moderator</value></option>"
    "<option><value>participant</value></option>"
    "<option><value>visitor</value></option>"
    "<value>moderator</value></field>"
    "<field var='" P "roomadmins' type='jid-multi'>"
    "<value>a@example.org</value></field>"
    "<field var='" P "roomdesc' type='text-multi'><value>one</value>"
    "<value>two</value></field>"
    "<field var='" P "roomsecret' type='text-private'/>"
    "<field var='x-untyped'><value>u</value></field>"
    "</x>";

/* The values of field var, joined by '|', in a static buffer. */
static const char *
values(const struct xt_form *f, const char *var)
{
	static char buf[512];
	const struct xt_field *fl = xt_form_field(f, var);
	size_t i, n = 0;

	if (fl == NULL)
		return "(no field)";
	buf[0] = '\0';
	for (i = 0; i < fl->nvalues; i++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? "|" : "",
		    fl->values[i] ? fl->values[i] : "(null)");
	return buf;
}

static void
test_form_set(void)
{
	xmpp_stanza_t *st = parse(config_xml);
	struct xt_form *f = xt_form_parse(st);
	char why[512];
	static const char *const yes[] = { "1", "true", "yes" };
	static const char *const no[] = { "0", "false", "no" };
	size_t i;
	int rc;

	ok(f != NULL && f->nfields == 12, "form: the configuration form is "
	    "read, 12 fields");
	if (f == NULL)
		return;

	/* The exact var, and a short name with the prefix. */
	rc = xt_form_set(f, P "roomname", "Lounge", NULL, 0, why, sizeof(why));
	ok(rc == 0, "form_set: the exact var");
	is(values(f, P "roomname"), "Lounge", "form_set: ... replaces the "
	    "value");
	rc = xt_form_set(f, "roomname", "Tea & <cake>", P, 0, why,
	    sizeof(why));
	ok(rc == 0, "form_set: a short name with the prefix");
	is(values(f, P "roomname"), "Tea & <cake>", "form_set: ... sets the "
	    "prefixed field");
	strcpy(why, "unset");
	rc = xt_form_set(f, "roomname", "x", NULL, 0, why, sizeof(why));
	ok(rc == -1, "form_set: a short name without a prefix is no field");
	is(why, "no field 'roomname' in the form", "form_set: ... why");
	rc = xt_form_set(f, "other#roomname", "x", P, 0, why, sizeof(why));
	ok(rc == -1, "form_set: a name with '#' gets no prefix");
	is(why, "no field 'other#roomname' in the form", "form_set: ... why");
	is(values(f, P "roomname"), "Tea & <cake>", "form_set: refusals left "
	    "the value alone");
	rc = xt_form_set(f, "nosuch", "x", P, 0, why, sizeof(why));
	ok(rc == -1, "form_set: an unknown var");
	is(why, "no field 'nosuch' in the form", "form_set: ... why, naming "
	    "it as given");
	rc = xt_form_set(f, "nosuch", "x", P, 0, why, 16);
	ok(rc == -1 && strlen(why) == 15, "form_set: why is cut to whylen");
	is(why, "no field 'nosuc", "form_set: ... NUL-terminated");

	/* Booleans. */
	for (i = 0; i < 3; i++) {
		rc = xt_form_set(f, "persistentroom", yes[i], P, 0, why,
		    sizeof(why));
		ok(rc == 0 && strcmp(values(f, P "persistentroom"), "1") == 0,
		    "form_set: boolean '%s' is stored as '1' (got '%s')",
		    yes[i], values(f, P "persistentroom"));
		rc = xt_form_set(f, "persistentroom", no[i], P, 0, why,
		    sizeof(why));
		ok(rc == 0 && strcmp(values(f, P "persistentroom"), "0") == 0,
		    "form_set: boolean '%s' is stored as '0' (got '%s')",
		    no[i], values(f, P "persistentroom"));
	}
	xt_form_set(f, "persistentroom", "true", P, 1, why, sizeof(why));
	is(values(f, P "persistentroom"), "1", "form_set: append on a "
	    "boolean replaces");
	rc = xt_form_set(f, "persistentroom", "maybe", P, 0, why,
	    sizeof(why));
	ok(rc == -1, "form_set: boolean 'maybe' is refused");
	is(why, "'" P "persistentroom' is a boolean: 1 or 0, true or false",
	    "form_set: ... why, with the full var");
	is(values(f, P "persistentroom"), "1", "form_set: ... the value "
	    "stays");

	/* list-single. */
	rc = xt_form_set(f, "whois", "everyone", P, 0, why, sizeof(why));
	ok(rc == -1, "form_set: list-single refuses a value not among its "
	    "options");
	is(why, "'everyone' is not an option of '" P "whois': expected one "
	    "of moderators, anyone", "form_set: ... why lists the options");
	is(values(f, P "whois"), "moderators", "form_set: ... the value "
	    "stays");
	rc = xt_form_set(f, "whois", "anyone", P, 0, why, sizeof(why));
	ok(rc == 0, "form_set: list-single takes one of its options");
	is(values(f, P "whois"), "anyone", "form_set: ... as the one value");
	rc = xt_form_set(f, "whois", "moderators", P, 1, why, sizeof(why));
	is(values(f, P "whois"), "moderators", "form_set: append on a "
	    "list-single replaces");
	rc = xt_form_set(f, "whois", "Moderators", P, 0, why, sizeof(why));
	ok(rc == -1, "form_set: an option's label is not its value");

	/* list-multi. */
	rc = xt_form_set(f, "presencebroadcast", "participant", P, 1, why,
	    sizeof(why));
	ok(rc == 0, "form_set: append on a list-multi");
	is(values(f, P "presencebroadcast"), "moderator|participant",
	    "form_set: ... adds the value");
	xt_form_set(f, "presencebroadcast", "visitor", P, 1, why, sizeof(why));
	is(values(f, P "presencebroadcast"), "moderator|participant|visitor",
	    "form_set: ... and another");
	rc = xt_form_set(f, "presencebroadcast", "nobody", P, 1, why,
	    sizeof(why));
	ok(rc == -1, "form_set: list-multi refuses a value not among its "
	    "options");
	is(why, "'nobody' is not an option of '" P "presencebroadcast': "
	    "expected one of moderator, participant, visitor",
	    "form_set: ... why lists the three");
	is(values(f, P "presencebroadcast"), "moderator|participant|visitor",
	    "form_set: ... the values stay");
	rc = xt_form_set(f, "presencebroadcast", "visitor", P, 0, why,
	    sizeof(why));
	ok(rc == 0, "form_set: a list-multi set without append");
	is(values(f, P "presencebroadcast"), "visitor", "form_set: ... "
	    "replaces all the values");

	/* jid-multi, text-multi. */
	xt_form_set(f, "roomadmins", "b@example.org", P, 1, why, sizeof(why));
	xt_form_set(f, "roomadmins", "c@example.org", P, 1, why, sizeof(why));
	is(values(f, P "roomadmins"), "a@example.org|b@example.org|"
	    "c@example.org", "form_set: append on a jid-multi adds values");
	xt_form_set(f, "roomadmins", "d@example.org", P, 0, why, sizeof(why));
	is(values(f, P "roomadmins"), "d@example.org", "form_set: ... a set "
	    "without append replaces them");
	xt_form_set(f, "roomdesc", "three", P, 1, why, sizeof(why));
	is(values(f, P "roomdesc"), "one|two|three", "form_set: append on a "
	    "text-multi adds");
	xt_form_set(f, "roomname", "Again", P, 1, why, sizeof(why));
	is(values(f, P "roomname"), "Again", "form_set: append on a "
	    "text-single replaces");
	xt_form_set(f, "x-untyped", "w", NULL, 1, why, sizeof(why));
	is(values(f, "x-untyped"), "w", "form_set: append on a field without "
	    "type replaces");
	rc = xt_form_set(f, "roomsecret", "s3cret", P, 0, why, sizeof(why));
	ok(rc == 0 && strcmp(values(f, P "roomsecret"), "s3cret") == 0,
	    "form_set: a text-private field without value gets one");

	/* fixed and hidden. */
	rc = xt_form_set(f, "note", "changed", P, 0, why, sizeof(why));
	ok(rc == -1, "form_set: a fixed field is refused");
	is(why, "no field 'note' in the form", "form_set: ... why");
	is(values(f, P "note"), "a note", "form_set: ... its value stays");
	rc = xt_form_set(f, "FORM_TYPE", "urn:example", P, 0, why,
	    sizeof(why));
	ok(rc == -1, "form_set: a hidden field is refused");
	is(why, "no field 'FORM_TYPE' in the form", "form_set: ... why");
	is(f->form_type, CONFIG, "form_set: ... FORM_TYPE stays");

	xt_form_free(f);
	xmpp_stanza_release(st);
}

static void
test_form_submit(void)
{
	xmpp_stanza_t *st = parse(config_xml), *q, *x;
	struct xt_form *f = xt_form_parse(st);
	char why[256], *s;

	if (f == NULL) {
		ok(0, "form: the configuration form is read");
		return;
	}
	q = xmpp_stanza_new(ctx);
	xmpp_stanza_set_name(q, "query");
	xmpp_stanza_set_ns(q, XT_NS_MUC_OWNER);
	x = xt_form_add_submit(q, f);
	ok(x != NULL && xmpp_stanza_get_children(q) == x,
	    "form_submit: the form is added to the parent");
	s = xt_stanza_xml_line(x);
	is(s, "<x xmlns=\"" DATA_NS "\" type=\"submit\">"
	    "<field var=\"FORM_TYPE\"><value>" CONFIG "</value></field>"
	    "<field var=\"" P "roomname\"><value>Old name</value></field>"
	    "<field var=\"" P "persistentroom\"><value>0</value></field>"
	    "<field var=\"" P "whois\"><value>moderators</value></field>"
	    "<field var=\"" P "presencebroadcast\"><value>moderator</value>"
	    "</field>"
	    "<field var=\"" P "roomadmins\"><value>a@example.org</value>"
	    "</field>"
	    "<field var=\"" P "roomdesc\"><value>one</value><value>two</value>"
	    "</field>"
	    "<field var=\"" P "roomsecret\"/>"
	    "<field var=\"x-untyped\"><value>u</value></field>"
	    "</x>", "form_submit: a parsed form as submitted: no fixed "
	    "fields, none without var, no title, options or types");
	free(s);
	xmpp_stanza_release(q);

	xt_form_set(f, "roomname", "Tea & <cake>", P, 0, why, sizeof(why));
	xt_form_set(f, "persistentroom", "yes", P, 0, why, sizeof(why));
	xt_form_set(f, "presencebroadcast", "participant", P, 1, why,
	    sizeof(why));
	xt_form_set(f, "presencebroadcast", "visitor", P, 1, why, sizeof(why));
	xt_form_set(f, "roomdesc", "line\nbreak", P, 1, why, sizeof(why));
	q = xmpp_stanza_new(ctx);
	xmpp_stanza_set_name(q, "query");
	x = xt_form_add_submit(q, f);
	s = xt_stanza_xml_line(x);
	is(s, "<x xmlns=\"" DATA_NS "\" type=\"submit\">"
	    "<field var=\"FORM_TYPE\"><value>" CONFIG "</value></field>"
	    "<field var=\"" P "roomname\"><value>Tea &amp; &lt;cake&gt;"
	    "</value></field>"
	    "<field var=\"" P "persistentroom\"><value>1</value></field>"
	    "<field var=\"" P "whois\"><value>moderators</value></field>"
	    "<field var=\"" P "presencebroadcast\"><value>moderator</value>"
	    "<value>participant</value><value>visitor</value></field>"
	    "<field var=\"" P "roomadmins\"><value>a@example.org</value>"
	    "</field>"
	    "<field var=\"" P "roomdesc\"><value>one</value><value>two</value>"
	    "<value>line&#10;break</value></field>"
	    "<field var=\"" P "roomsecret\"/>"
	    "<field var=\"x-untyped\"><value>u</value></field>"
	    "</x>", "form_submit: after xt_form_set: every value kept, "
	    "escaped");
	free(s);
	xmpp_stanza_release(q);
	xt_form_free(f);
	xmpp_stanza_release(st);

	/* An empty <value/> stays a value. */
	st = parse("<x xmlns='" DATA_NS "' type='form'><field var='a' "
	    "type='text-multi'><value/><value>b</value></field></x>");
	f = xt_form_parse(st);
	q = xmpp_stanza_new(ctx);
	xmpp_stanza_set_name(q, "query");
	x = xt_form_add_submit(q, f);
	s = xt_stanza_xml_line(x);
	ok(s != NULL && strstr(s, "<value>b</value>") != NULL &&
	    (strstr(s, "<field var=\"a\"><value/><value>b") != NULL ||
	    strstr(s, "<field var=\"a\"><value></value><value>b") != NULL),
	    "form_submit: an empty value is kept, before the next");
	if (s != NULL)
		printf("# %s\n", s);
	free(s);
	xmpp_stanza_release(q);
	xt_form_free(f);
	xmpp_stanza_release(st);
}

/* ---- muc.c ---- */

#define ROOM "lounge@conference.example.org"
#define MUC_USER "<x xmlns='" XT_NS_MUC_USER "'>"

static void
test_muc_status(void)
{
	xmpp_stanza_t *st = parse("<presence from='" ROOM "/alice' "
	    "to='alice@example.org/a'>" MUC_USER
	    "<item affiliation='owner' role='moderator'/>"
	    "<status code='100'/><status code='110'/><status code='201'/>"
	    "</x></presence>"), *item;

	ok(xt_muc_has_status(st, "100"), "has_status: the first of three");
	ok(xt_muc_has_status(st, "110"), "has_status: the second");
	ok(xt_muc_has_status(st, "201"), "has_status: the third");
	ok(!xt_muc_has_status(st, "210"), "has_status: one not there");
	ok(!xt_muc_has_status(st, "11"), "has_status: a prefix of one is not "
	    "it");
	ok(!xt_muc_has_status(st, "1100"), "has_status: nor a longer code");
	item = xt_muc_item(st);
	ok(item != NULL, "muc_item: found");
	is(item ? xmpp_stanza_get_attribute(item, "affiliation") : NULL,
	    "owner", "muc_item: ... the item of muc#user");
	ok(xt_muc_is_self(st, NULL), "is_self: by status 110");
	ok(xt_muc_is_self(st, ROOM "/other"), "is_self: 110 wins over another "
	    "occupant JID");
	xmpp_stanza_release(st);

	st = parse("<message from='" ROOM "' type='groupchat'>" MUC_USER
	    "<status code='104'/></x></message>");
	ok(xt_muc_has_status(st, "104"), "has_status: on a message");
	ok(xt_muc_item(st) == NULL, "muc_item: none in it");
	xmpp_stanza_release(st);

	/* Status elements outside muc#user do not count. */
	st = parse("<presence from='" ROOM "/bob'>"
	    "<x xmlns='" XT_NS_MUC "'><status code='110'/><item/></x>"
	    "<status code='110'/></presence>");
	ok(!xt_muc_has_status(st, "110"), "has_status: a status outside "
	    "muc#user is not one");
	ok(xt_muc_item(st) == NULL, "muc_item: nor an item outside it");
	ok(!xt_muc_is_self(st, ROOM "/alice"), "is_self: no 110, another "
	    "occupant: not ours");
	ok(!xt_muc_is_self(st, NULL), "is_self: no 110, no occupant: not "
	    "ours");
	xmpp_stanza_release(st);

	st = parse("<presence from='" ROOM "/alice'>" MUC_USER
	    "<item affiliation='none' role='participant'/>"
	    "<status code='status'/><status/></x></presence>");
	ok(!xt_muc_has_status(st, "110"), "has_status: odd status elements, "
	    "no 110");
	ok(xt_muc_is_self(st, ROOM "/alice"), "is_self: by the occupant JID "
	    "without 110");
	ok(!xt_muc_is_self(st, ROOM "/alice2"), "is_self: not by another "
	    "occupant JID");
	ok(!xt_muc_is_self(st, ROOM), "is_self: not by the bare room JID");
	xmpp_stanza_release(st);

	st = parse("<presence>" MUC_USER "</x></presence>");
	ok(!xt_muc_is_self(st, ROOM "/alice"), "is_self: a presence without "
	    "from");
	ok(!xt_muc_has_status(st, "110") && xt_muc_item(st) == NULL,
	    "has_status, muc_item: an empty muc#user");
	xmpp_stanza_release(st);
}

/* xt_muc_removal of xml, "(null)" if NULL. */
static const char *
removal(const char *xml, size_t len)
{
	static char buf[512];
	static char out[512];
	xmpp_stanza_t *st = parse(xml);
	const char *r;

	memset(buf, 'Z', sizeof(buf));
	if (st == NULL)
		return "(unparsed)";
	r = xt_muc_removal(st, buf, len);
	if (r != NULL && r != buf)
		snprintf(out, sizeof(out), "(not buf)");
	else
		snprintf(out, sizeof(out), "%s", r ? r : "(null)");
	xmpp_stanza_release(st);
	return out;
}

static void
test_muc_removal(void)
{
	is(removal("<presence from='" ROOM "/alice' type='unavailable'>"
	    MUC_USER "<item affiliation='none' role='none'>"
	    "<actor nick='Moderator Bob'/><reason>Too much noise</reason>"
	    "</item><status code='307'/><status code='110'/></x></presence>",
	    512), "kicked by 'Moderator Bob': Too much noise",
	    "removal: a kick with actor nick and reason");
	is(removal("<presence from='" ROOM "/alice' type='unavailable'>"
	    MUC_USER "<item affiliation='none' role='none'>"
	    "<actor jid='bob@example.org/laptop'/></item>"
	    "<status code='307'/></x></presence>", 512),
	    "kicked by 'bob@example.org/laptop'",
	    "removal: a kick by an actor of jid only, without reason");
	is(removal("<presence from='" ROOM "/alice' type='unavailable'>"
	    MUC_USER "<item affiliation='none' role='none'><reason/></item>"
	    "<status code='307'/></x></presence>", 512),
	    "kicked", "removal: a kick with an empty reason");
	is(removal("<presence from='" ROOM "/alice' type='unavailable'>"
	    MUC_USER "<item affiliation='outcast' role='none'>"
	    "<actor nick='Owner'/><reason>Spam</reason></item>"
	    "<status code='301'/></x></presence>", 512),
	    "banned by 'Owner': Spam", "removal: a ban (301)");
	is(removal("<presence from='" ROOM "/alice' type='unavailable'>"
	    MUC_USER "<item affiliation='outcast' role='none'/>"
	    "<status code='301'/><status code='307'/></x></presence>", 512),
	    "banned", "removal: 301 with 307 is a ban");
	is(removal("<presence from='" ROOM "/alice' type='unavailable'>"
	    MUC_USER "<item affiliation='none' role='none'>"
	    "<reason>item reason</reason></item>"
	    "<destroy jid='coffee@conference.example.org'>"
	    "<reason>Moved to the coffee room</reason></destroy></x>"
	    "</presence>", 512),
	    "the room was destroyed: Moved to the coffee room",
	    "removal: destroy, with the reason of <destroy>");
	is(removal("<presence from='" ROOM "/alice' type='unavailable'>"
	    MUC_USER "<item affiliation='none' role='none'/><destroy/></x>"
	    "</presence>", 512), "the room was destroyed",
	    "removal: destroy without a reason");
	is(removal("<presence from='" ROOM "/alice' type='unavailable'>"
	    MUC_USER "<item affiliation='member' role='none'/>"
	    "<status code='332'/></x></presence>", 512),
	    "the service is shutting down",
	    "removal: 332");
	is(removal("<presence from='" ROOM "/alice' type='unavailable'>"
	    MUC_USER "<item affiliation='none' role='none'/>"
	    "<status code='321'/></x></presence>", 512),
	    "no longer a member", "removal: 321");
	is(removal("<presence from='" ROOM "/alice' type='unavailable'>"
	    MUC_USER "<item affiliation='none' role='none'/>"
	    "<status code='322'/></x></presence>", 512),
	    "the room is members-only now", "removal: 322");
	is(removal("<presence from='" ROOM "/alice' type='unavailable'>"
	    MUC_USER "<item affiliation='none' role='none'/>"
	    "<status code='333'/></x></presence>", 512),
	    "a technical problem", "removal: 333");
	is(removal("<presence from='" ROOM "/alice' type='unavailable'>"
	    MUC_USER "<item affiliation='member' role='none'/>"
	    "<status code='110'/></x></presence>", 512), "(null)",
	    "removal: a plain unavailable presence (ours) is no removal");
	is(removal("<presence from='" ROOM "/alice' type='unavailable'/>",
	    512), "(null)", "removal: an unavailable presence without "
	    "muc#user");
	is(removal("<presence from='" ROOM "/alice'>" MUC_USER
	    "<item affiliation='none' role='none'><actor nick='Bob'/></item>"
	    "<status code='307'/></x></presence>", 512), "(null)",
	    "removal: an available presence, even with 307");
	is(removal("<presence from='" ROOM "/alice' type='error'>" MUC_USER
	    "<status code='301'/></x></presence>", 512), "(null)",
	    "removal: an error presence");
	is(removal("<presence from='" ROOM "/alice' type='unavailable'>"
	    "<x xmlns='" XT_NS_MUC "'><status code='307'/></x></presence>",
	    512), "(null)", "removal: 307 outside muc#user");
	is(removal("<presence from='" ROOM "/alice' type='unavailable'>"
	    MUC_USER "<item affiliation='none' role='none'>"
	    "<actor nick='Moderator Bob'/><reason>Too much noise</reason>"
	    "</item><status code='307'/></x></presence>", 16),
	    "kicked by 'Mode", "removal: cut to a small buffer, "
	    "NUL-terminated");
}

int
main(void)
{
	xt_init("unit-muc");
	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL);
	test_lines_split();
	test_lines_empty_cr();
	test_lines_finish();
	test_lines_too_long();
	test_lines_full();
	test_form_set();
	test_form_submit();
	test_muc_status();
	test_muc_removal();
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
	return done_testing();
}
