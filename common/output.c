/* SPDX-License-Identifier: GPL-3.0-or-later */
/* output.c: write stanzas as XML lines, JSON Lines or tab-separated text. */

/*
 * The three formats of -o/--output, one stanza per line in each. Text and
 * names are first made valid (invalid UTF-8 and characters XML forbids
 * become U+FFFD), so every line is valid UTF-8. What could act on a
 * terminal (DEL, C1 controls, U+2028, U+2029, bidirectional marks and
 * overrides: xt_text_unsafe()) is written as &#xXX; in xml and \uxxxx
 * in text; json leaves it to the JSON reader.
 *
 * xml   The stanza as one line of XML. In text, & < > are written as
 *       &amp; &lt; &gt;; in attribute values (always in double quotes)
 *       & < > " as &amp; &lt; &gt; &quot;. Newline, carriage return and
 *       tab are written as &#10; &#13; &#9; in both, so a line is always
 *       exactly one whole stanza. An attribute "lang" (what libstrophe's
 *       parser makes of xml:lang) is written xml:lang, unless the element
 *       has an xml:lang too. Attributes come in a fixed order: xmlns,
 *       then xmlns:* declarations, then the others sorted by the name
 *       written (the order of the input is not kept), so a line read
 *       back and written again is the same line. Empty elements are
 *       written <x/>.
 *
 * json  One JSON object per line (JSON Lines). Keys whose attribute or
 *       element is absent are left out. For every stanza:
 *         "kind"    element name: "message", "presence", "iq", ...
 *         "from", "to", "type", "id"   the attributes
 *         "lang"    xml:lang (or "lang", which libstrophe's parser makes
 *                   of xml:lang in received stanzas)
 *         "error"   when type is "error": {"type": error type,
 *                   "condition": defined condition (RFC 6120 8.3.3),
 *                   "text": the error's text}
 *         "xml"     the whole stanza as in the xml format: nothing lost
 *       message:  "body", "subject", "thread" (text of the first such
 *                 child), "delay" (XEP-0203 stamp)
 *       presence: "show", "status", "priority" (a number), "delay"
 *       iq:       "child", "child_ns": name and namespace of the payload
 *                 (the first child element other than <error/>)
 *
 * text  Tab-separated fields, one record per line, no header. In fields
 *       backslash, tab, newline and carriage return are written as
 *       \\ \t \n \r. An absent value is an empty field.
 *       message:  from, type (normal if none), body
 *       presence: from, type (available if none), show, status
 *       iq:       from, type, namespace of the payload
 *       other:    from, type, element name
 *       A stanza of type error has two more fields: the defined
 *       condition and the error's text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "xt.h"

/* A growing string; after a failed allocation it stays failed. */
struct buf {
	char *s;
	size_t len, cap;
	int oom;
};

static void
put(struct buf *b, const char *s, size_t n)
{
	size_t cap;
	char *p;

	if (b->oom || n == 0)
		return;
	if (b->len + n + 1 > b->cap) {
		cap = (b->len + n + 1) * 2;
		if ((p = realloc(b->s, cap)) == NULL) {
			b->oom = 1;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* The bytes of p, at most max, before the first one marked in tab. */
static size_t
span(const char *p, size_t max, const unsigned char tab[256])
{
	size_t n = 0;

	while (n < max && !tab[(unsigned char)p[n]])
		n++;
	return n;
}

/* Append s with each byte found in set replaced by its entry in rep[],
 * and each other character that must not reach a terminal raw (DEL, C1
 * controls, U+2028, U+2029, bidirectional marks) written in uni's
 * format, given its code point; s is made valid first. */
static void
put_escaped(struct buf *b, const char *s, const char *set,
    const char *const rep[], const char *uni)
{
	size_t len = strlen(s), n, safe;
	char *clean = NULL, ref[16];
	const char *p = s, *end, *c;
	unsigned char tab[256] = { 0 };
	long cp;

	/* tab[byte]: 1 + its index in set, 0 if it is not there. */
	for (c = set; *c != '\0'; c++)
		tab[(unsigned char)*c] = (unsigned char)(c - set + 1);
	if (xt_text_valid_prefix(s, len) != len) {
		if ((p = clean = xt_text_sanitize(s, len, NULL)) == NULL) {
			b->oom = 1;
			return;
		}
		len = strlen(p);
	}
	end = p + len;
	while (p < end) {
		safe = xt_text_safe_prefix(p, end - p);
		while ((n = span(p, safe, tab)) < safe) {
			put(b, p, n);
			puts_(b, rep[tab[(unsigned char)p[n]] - 1]);
			p += n + 1;
			safe -= n + 1;
		}
		put(b, p, safe);
		p += safe;
		if (p == end)
			break;
		if (tab[(unsigned char)*p]) {
			puts_(b, rep[tab[(unsigned char)*p] - 1]);
			p++;
			continue;
		}
		n = xt_text_unsafe(p, end - p, &cp);
		snprintf(ref, sizeof(ref), uni, cp);
		puts_(b, ref);
		p += n;
	}
	free(clean);
}

/* How xml and text write a character that must not reach a terminal. */
#define XML_UNI	"&#x%lX;"
#define TSV_UNI	"\\u%04lx"

static const char xml_text_set[] = "&<>\n\r\t";
static const char xml_attr_set[] = "&<>\"\n\r\t";
static const char *const xml_rep[] = {
	"&amp;", "&lt;", "&gt;", "&#10;", "&#13;", "&#9;"
};
static const char *const xml_attr_rep[] = {
	"&amp;", "&lt;", "&gt;", "&quot;", "&#10;", "&#13;", "&#9;"
};

/* ---- xml ---- */

/* Namespace declarations first, then the rest by name: a stable order,
 * so the same stanza always gives the same line (libstrophe keeps
 * attributes in a hash table, in no useful order). */
static int
attr_rank(const char *name)
{
	if (strcmp(name, "xmlns") == 0)
		return 0;
	return strncmp(name, "xmlns:", 6) == 0 ? 1 : 2;
}

/* The name an attribute is written with: libstrophe's parser turns
 * xml:lang into "lang" in what we receive, and no stanza has a plain
 * "lang", so it is restored; but not when the stanza has an xml:lang as
 * well (our reader keeps xml:lang), or the line would have it twice. */
static const char *
attr_name(const char *name, int lang_is_xml)
{
	return lang_is_xml && strcmp(name, "lang") == 0 ? "xml:lang" : name;
}

/* By the names as written, so that reading a line back and writing it
 * again gives the same line. */
static int
attr_cmp(const void *a, const void *b, void *arg)
{
	const char *const *x = a, *const *y = b;
	const char *nx = attr_name(x[0], *(int *)arg);
	const char *ny = attr_name(y[0], *(int *)arg);
	int d = attr_rank(nx) - attr_rank(ny);

	return d != 0 ? d : strcmp(nx, ny);
}

size_t
xt_stanza_attributes(xmpp_stanza_t *st, const char *inherited,
    const char ***out)
{
	int n = xmpp_stanza_get_attribute_count(st), i, k, lang_is_xml;
	const char **a;

	*out = NULL;
	if (n <= 0)
		return 0;
	if ((a = calloc(2 * n, sizeof(*a))) == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	n = xmpp_stanza_get_attributes(st, a, 2 * n) / 2;
	lang_is_xml = xmpp_stanza_get_attribute(st, "xml:lang") == NULL;
	qsort_r(a, n, 2 * sizeof(*a), attr_cmp, &lang_is_xml);
	for (i = k = 0; i < n; i++) {
		/* libstrophe's parser gives every child the namespace it
		 * inherits as an explicit xmlns: leave out what is implied. */
		if (inherited != NULL && strcmp(a[2 * i], "xmlns") == 0 &&
		    strcmp(a[2 * i + 1], inherited) == 0)
			continue;
		a[2 * k] = attr_name(a[2 * i], lang_is_xml);
		a[2 * k + 1] = a[2 * i + 1];
		k++;
	}
	*out = a;
	return k;
}

static void
put_attributes(struct buf *b, xmpp_stanza_t *st, const char *inherited)
{
	const char **a;
	size_t n, i;

	n = xt_stanza_attributes(st, inherited, &a);
	for (i = 0; i < n; i++) {
		puts_(b, " ");
		/* Names from a parser need no escaping; this only keeps a
		 * bad name made by code from breaking the line. */
		put_escaped(b, a[2 * i], xml_attr_set, xml_attr_rep, XML_UNI);
		puts_(b, "=\"");
		put_escaped(b, a[2 * i + 1], xml_attr_set, xml_attr_rep,
		    XML_UNI);
		puts_(b, "\"");
	}
	free(a);
}

static void
put_element(struct buf *b, xmpp_stanza_t *st, const char *inherited)
{
	const char *name, *text;
	xmpp_stanza_t *c;

	if (xmpp_stanza_is_text(st)) {
		if ((text = xmpp_stanza_get_text_ptr(st)) != NULL)
			put_escaped(b, text, xml_text_set, xml_rep, XML_UNI);
		return;
	}
	if ((name = xmpp_stanza_get_name(st)) == NULL)
		return;
	puts_(b, "<");
	put_escaped(b, name, xml_attr_set, xml_attr_rep, XML_UNI);
	put_attributes(b, st, inherited);
	if ((c = xmpp_stanza_get_children(st)) == NULL) {
		puts_(b, "/>");
		return;
	}
	puts_(b, ">");
	for (; c != NULL; c = xmpp_stanza_get_next(c))
		put_element(b, c, xmpp_stanza_get_ns(st) ?
		    xmpp_stanza_get_ns(st) : inherited);
	puts_(b, "</");
	put_escaped(b, name, xml_attr_set, xml_attr_rep, XML_UNI);
	puts_(b, ">");
}

char *
xt_stanza_xml_line(xmpp_stanza_t *st)
{
	struct buf b = { NULL, 0, 0, 0 };

	put_element(&b, st, NULL);
	if (b.oom || b.s == NULL) {
		free(b.s);
		return b.oom ? NULL : strdup("");
	}
	return b.s;
}

/* ---- what json and text show ---- */

/* What a stanza shows in json and text. The char * members are copies
 * (free with xmpp_free), the others point into the stanza. */
struct fields {
	const char *name, *from, *to, *type, *id, *lang, *delay;
	char *body, *subject, *thread, *show, *status, *priority;
	const char *child, *child_ns;		/* iq payload */
	const char *err_type, *err_cond;
	char *err_text;
	char delaybuf[32];	/* the stamp, as we print it */
};

static int
is(const char *a, const char *b)
{
	return a != NULL && strcmp(a, b) == 0;
}

/* Text of the first child element called name, or NULL. */
static char *
child_text(xmpp_stanza_t *st, const char *name)
{
	xmpp_stanza_t *c = xmpp_stanza_get_child_by_name(st, name);

	return c != NULL ? xmpp_stanza_get_text(c) : NULL;
}

/* RFC 6120 8.3: the defined condition is the child of <error/> in the
 * stanzas namespace other than <text/>; without namespaces (built by
 * hand), the first child other than <text/>. */
static void
error_fields(xmpp_stanza_t *st, struct fields *f)
{
	xmpp_stanza_t *e = xmpp_stanza_get_child_by_name(st, "error"), *c;
	const char *name, *any = NULL;

	if (e == NULL)
		return;
	f->err_type = xmpp_stanza_get_type(e);
	f->err_text = child_text(e, "text");
	for (c = xmpp_stanza_get_children(e); c; c = xmpp_stanza_get_next(c)) {
		name = xmpp_stanza_get_name(c);
		if (!xmpp_stanza_is_tag(c) || is(name, "text"))
			continue;
		if (any == NULL)
			any = name;
		if (is(xmpp_stanza_get_ns(c), XMPP_NS_STANZAS_IETF)) {
			f->err_cond = name;
			break;
		}
	}
	if (f->err_cond == NULL)
		f->err_cond = any;
}

static void
get_fields(xmpp_stanza_t *st, struct fields *f)
{
	xmpp_stanza_t *c;
	time_t when;

	memset(f, 0, sizeof(*f));
	f->name = xmpp_stanza_get_name(st);
	f->from = xmpp_stanza_get_from(st);
	f->to = xmpp_stanza_get_to(st);
	f->type = xmpp_stanza_get_type(st);
	f->id = xmpp_stanza_get_id(st);
	if ((f->lang = xmpp_stanza_get_attribute(st, "xml:lang")) == NULL)
		f->lang = xmpp_stanza_get_attribute(st, "lang");
	if (is(f->name, "message")) {
		f->body = child_text(st, "body");
		f->subject = child_text(st, "subject");
		f->thread = child_text(st, "thread");
	} else if (is(f->name, "presence")) {
		f->show = child_text(st, "show");
		f->status = child_text(st, "status");
		f->priority = child_text(st, "priority");
	} else if (is(f->name, "iq")) {
		for (c = xmpp_stanza_get_children(st); c != NULL;
		    c = xmpp_stanza_get_next(c))
			if (xmpp_stanza_is_tag(c) &&
			    !is(xmpp_stanza_get_name(c), "error"))
				break;
		if (c != NULL) {
			f->child = xmpp_stanza_get_name(c);
			f->child_ns = xmpp_stanza_get_ns(c);
		}
	}
	/* XEP-0203: when a message or presence was first sent */
	c = xmpp_stanza_get_child_by_name_and_ns(st, "delay", "urn:xmpp:delay");
	/* One form whatever the sender wrote; not a date-time: absent. */
	if (c != NULL && xt_datetime_parse(xmpp_stanza_get_attribute(c,
	    "stamp"), &when) == 0) {
		xt_datetime_format(when, f->delaybuf, sizeof(f->delaybuf));
		f->delay = f->delaybuf;
	}
	if (is(f->type, "error"))
		error_fields(st, f);
}

static void
fields_free(xmpp_stanza_t *st, struct fields *f)
{
	xmpp_ctx_t *ctx = xmpp_stanza_get_context(st);
	char *owned[] = { f->body, f->subject, f->thread, f->show,
	    f->status, f->priority, f->err_text };
	size_t i;

	for (i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
		if (owned[i] != NULL)
			xmpp_free(ctx, owned[i]);
}

/* ---- json ---- */

/* Set key to s made valid; nothing when s is NULL. 0 or -1. */
static int
json_put(json_t *o, const char *key, const char *s)
{
	size_t len;
	char *clean;
	int rc;

	if (s == NULL)
		return 0;
	len = strlen(s);
	if (xt_text_valid_prefix(s, len) == len)
		return json_object_set_new(o, key, json_stringn(s, len));
	if ((clean = xt_text_sanitize(s, len, NULL)) == NULL)
		return -1;
	rc = json_object_set_new(o, key, json_string(clean));
	free(clean);
	return rc;
}

/* A priority is a number from -128 to 127 (RFC 6121 4.7.2.3); anything
 * else is left to "xml". */
static int
json_priority(json_t *o, const char *s)
{
	char *end;
	long n;

	if (s == NULL)
		return 0;
	n = strtol(s, &end, 10);
	if (end == s || *end != '\0' || n < -128 || n > 127)
		return 0;
	return json_object_set_new(o, "priority", json_integer(n));
}

static int
json_error(json_t *o, const struct fields *f)
{
	json_t *e = json_object();
	int rc;

	if (json_object_set_new(o, "error", e) < 0)
		return -1;
	rc = json_put(e, "type", f->err_type);
	rc |= json_put(e, "condition", f->err_cond);
	rc |= json_put(e, "text", f->err_text);
	return rc;
}

/* Always the same key order, so that lines are easy to compare. */
static int
json_fields(json_t *o, const struct fields *f, const char *xml)
{
	const struct {
		const char *key, *val;
	} kv[] = {
		{ "kind", f->name }, { "from", f->from }, { "to", f->to },
		{ "type", f->type }, { "id", f->id }, { "lang", f->lang },
		{ "body", f->body }, { "subject", f->subject },
		{ "thread", f->thread }, { "show", f->show },
		{ "status", f->status }, { "delay", f->delay },
		{ "child", f->child }, { "child_ns", f->child_ns },
	};
	size_t i;
	int rc = 0;

	for (i = 0; i < sizeof(kv) / sizeof(kv[0]); i++)
		rc |= json_put(o, kv[i].key, kv[i].val);
	rc |= json_priority(o, f->priority);
	if (is(f->type, "error"))
		rc |= json_error(o, f);
	rc |= json_put(o, "xml", xml);
	return rc;
}

static char *
json_line(xmpp_stanza_t *st)
{
	struct fields f;
	char *xml, *line = NULL;
	json_t *o = json_object();

	if (o == NULL || (xml = xt_stanza_xml_line(st)) == NULL) {
		json_decref(o);
		return NULL;
	}
	get_fields(st, &f);
	if (json_fields(o, &f, xml) == 0)
		line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fields_free(st, &f);
	json_decref(o);
	free(xml);
	return line;
}

/* ---- text ---- */

static const char tsv_set[] = "\\\t\n\r";
static const char *const tsv_rep[] = { "\\\\", "\\t", "\\n", "\\r" };

/* A tab, then s escaped (nothing if s is NULL). */
static void
put_field(struct buf *b, const char *s)
{
	puts_(b, "\t");
	if (s != NULL)
		put_escaped(b, s, tsv_set, tsv_rep, TSV_UNI);
}

static char *
text_line(xmpp_stanza_t *st)
{
	struct buf b = { NULL, 0, 0, 0 };
	struct fields f;

	get_fields(st, &f);
	if (f.from != NULL)
		put_escaped(&b, f.from, tsv_set, tsv_rep, TSV_UNI);
	if (is(f.name, "message")) {
		put_field(&b, f.type ? f.type : "normal");
		put_field(&b, f.body);
	} else if (is(f.name, "presence")) {
		put_field(&b, f.type ? f.type : "available");
		put_field(&b, f.show);
		put_field(&b, f.status);
	} else {
		put_field(&b, f.type);
		put_field(&b, is(f.name, "iq") ? f.child_ns : f.name);
	}
	if (is(f.type, "error")) {
		put_field(&b, f.err_cond);
		put_field(&b, f.err_text);
	}
	fields_free(st, &f);
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

int
xt_write_json(FILE *f, json_t *o)
{
	char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(9));
	int rc = line == NULL || fputs(line, f) == EOF || putc('\n', f) == EOF;

	free(line);
	json_decref(o);
	return rc ? -1 : 0;
}

int
xt_write_record(FILE *f, const char *const *fields, size_t n)
{
	struct buf b = { NULL, 0, 0, 0 };
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if (i > 0)
			puts_(&b, "\t");
		if (fields[i] != NULL)
			put_escaped(&b, fields[i], tsv_set, tsv_rep, TSV_UNI);
	}
	if (b.oom) {
		free(b.s);
		return -1;
	}
	rc = (b.s != NULL && fputs(b.s, f) == EOF) || putc('\n', f) == EOF;
	free(b.s);
	return rc ? -1 : 0;
}

int
xt_write_stanza(FILE *f, enum xt_format fmt, xmpp_stanza_t *st)
{
	char *line;
	int rc;

	switch (fmt) {
	case XT_FMT_JSON:
		line = json_line(st);
		break;
	case XT_FMT_TEXT:
		line = text_line(st);
		break;
	default:
		line = xt_stanza_xml_line(st);
		break;
	}
	if (line == NULL)
		return -1;
	rc = fputs(line, f) == EOF || putc('\n', f) == EOF || ferror(f);
	free(line);
	return rc ? -1 : 0;
}
