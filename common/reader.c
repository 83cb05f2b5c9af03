/* SPDX-License-Identifier: GPL-3.0-or-later */
/* reader.c: turn a byte stream of XML elements into libstrophe stanzas. */

/*
 * Input passes three stages:
 *
 * 1. Cleaning: invalid UTF-8 and characters XML 1.0 forbids (raw control
 *    bytes, U+FFFE, U+FFFF) are replaced by U+FFFD with one warning per
 *    input line, as everywhere in xmpp-tools: expat would reject them and
 *    the user would lose the whole input over one stray byte of a log
 *    line. A character reference to a forbidden character (&#1;) is left
 *    to expat: it can only have been written on purpose, and is an error.
 *
 * 2. Prolog: a UTF-8 byte order mark is dropped and a leading XML
 *    declaration is handed to expat before the synthetic root <stream>
 *    (which lets a sequence of top-level elements parse as one document).
 *    The root contains no newline, so expat's line numbers are the user's.
 *    A declared encoding other than UTF-8 is refused rather than guessed.
 *
 * 3. expat (the plain parser, not the namespace one, so prefixes, xmlns
 *    and xml:lang attributes stay exactly as written) builds each
 *    top-level element into a stanza and hands it to the callback. A
 *    DOCTYPE cannot appear inside the root, so no entity can be declared:
 *    no billion laughs, no external entities.
 *
 * Limits keep memory bounded per stanza: MAX_STANZA bytes of input,
 * MAX_DEPTH nested elements, MAX_NODES elements, attributes and text runs;
 * and time: libstrophe appends a child by walking all of its siblings, so
 * n children cost n * n / 2 steps, hence MAX_CHILDREN per element; and it
 * keeps an element's attributes in a hash table of 8 buckets that never
 * grows, so n attributes cost n * n / 16 steps to set and as many again
 * to copy, hence MAX_ATTRS (XMPP's stanzas have a handful).
 * Comments and processing instructions are dropped; whitespace between
 * top-level elements is ignored, any other text there is an error.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <expat.h>

#include "xt.h"

#define MAX_STANZA	(10 * 1024 * 1024)
#define MAX_DEPTH	100
#define MAX_NODES	100000
#define MAX_CHILDREN	10000	/* libstrophe walks the list per child */
#define MAX_ATTRS	1000	/* and a fixed hash table per element */
#define SLICE		65536	/* bytes cleaned and parsed at a time */
#define DECL_MAX	1024	/* longest XML declaration we wait for */

#define ROOT		"<stream>"
#define ROOT_END	"</stream>"

enum state { ST_PROLOG, ST_BODY, ST_DONE, ST_FAILED, ST_STOPPED };

struct xt_reader {
	xmpp_ctx_t *ctx;
	xt_stanza_cb cb;
	void *arg;
	XML_Parser p;
	enum state state;
	char err[256];
	unsigned long err_line, err_col;	/* where (col 0: unknown) */
	size_t err_msg;		/* offset of the message in err */

	/* stage 1 */
	char *work;		/* SLICE bytes: held-back tail, new input */
	size_t nhold;		/* bytes of an unfinished UTF-8 sequence */
	unsigned long line;	/* line of the next byte to clean */
	unsigned long warn_line;
	size_t warn_count;	/* replacements on warn_line not yet told */

	/* stage 2 */
	char pro[DECL_MAX];
	size_t npro;

	/* stage 3 */
	int parsing;		/* inside XML_Parse */
	int root_open, closing;
	unsigned long root_line;	/* the line ROOT was inserted on */
	xmpp_stanza_t *stack[MAX_DEPTH];	/* stack[0] is the stanza */
	int nchild[MAX_DEPTH];	/* children of each open element */
	char haselem[MAX_DEPTH];	/* ... of which one is an element */
	int trim;		/* drop whitespace between elements */
	int depth;
	size_t nodes;
	unsigned long start_line;	/* where stack[0] started */
	XML_Index fed;		/* bytes given to expat */
	XML_Index mark;		/* where the stanza being read began */
	char *text;		/* character data not yet a text node */
	size_t ntext, text_cap;
};

static void
fail(struct xt_reader *r, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static unsigned long cur_line(struct xt_reader *r);
static unsigned long cur_col(struct xt_reader *r);

/* Record the first error and stop expat if it is running. */
static void
fail(struct xt_reader *r, unsigned long line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->state == ST_FAILED)
		return;
	r->err_line = line;
	/* Where expat is, when that is the line the error names. */
	r->err_col = r->parsing && cur_line(r) == line ? cur_col(r) : 0;
	n = snprintf(r->err, sizeof(r->err), "line %lu: ", line);
	r->err_msg = n;
	va_start(ap, fmt);
	vsnprintf(r->err + n, sizeof(r->err) - n, fmt, ap);
	va_end(ap);
	if (r->parsing)
		XML_StopParser(r->p, XML_FALSE);
	r->state = ST_FAILED;
}

static unsigned long
cur_line(struct xt_reader *r)
{
	return XML_GetCurrentLineNumber(r->p);
}

/* The column (from 1, in characters) the parser is at, as the user
 * counts: the synthetic root does not count. */
static unsigned long
cur_col(struct xt_reader *r)
{
	unsigned long col = XML_GetCurrentColumnNumber(r->p);

	if (cur_line(r) == r->root_line && col >= strlen(ROOT))
		col -= strlen(ROOT);
	return col + 1;
}

/* ---- stage 3: expat callbacks ---- */

static int
check_size(struct xt_reader *r, XML_Index end)
{
	if (r->depth > 0 && end - r->mark > MAX_STANZA) {
		fail(r, r->start_line, "stanza larger than %d MiB",
		    MAX_STANZA >> 20);
		return -1;
	}
	return 0;
}

/* Count n nodes, one of them a child of the innermost open element. */
static int
count_nodes(struct xt_reader *r, size_t n)
{
	if (r->depth > 0 && ++r->nchild[r->depth - 1] > MAX_CHILDREN) {
		fail(r, cur_line(r), "element with more than %d children",
		    MAX_CHILDREN);
		return -1;
	}
	r->nodes += n;
	if (r->nodes > MAX_NODES) {
		fail(r, r->start_line, "stanza has more than %d elements, "
		    "attributes and texts", MAX_NODES);
		return -1;
	}
	return 0;
}

/* s if XML can carry it, else a cleaned copy in *copy to free; NULL when
 * out of memory. expat has already refused what needs cleaning, so this
 * only guards against a change of parser. */
static const char *
clean(const char *s, size_t len, char **copy)
{
	*copy = NULL;
	if (xt_text_valid_prefix(s, len) == len)
		return s;
	return *copy = xt_text_sanitize(s, len, NULL);
}

/* 1 if s is whitespace that breaks a line: the indentation of XML laid
 * out by a person (a single space between two elements, as in
 * "<b>x</b> <i>y</i>", is kept: it may be text). */
static int
blank(const char *s, size_t n)
{
	int nl = 0;

	for (; n > 0; n--, s++) {
		if (*s == '\n')
			nl = 1;
		else if (*s != ' ' && *s != '\t' && *s != '\r')
			return 0;
	}
	return nl;
}

/* Make the pending character data a text child of the open element;
 * before_child: an element follows it. */
static int
flush_text(struct xt_reader *r, int before_child)
{
	xmpp_stanza_t *t;
	const char *s;
	char *copy;
	int rc;

	if (r->ntext == 0)
		return 0;
	/* Indentation between elements, when asked: not data. */
	if (r->trim && (before_child || r->haselem[r->depth - 1]) &&
	    blank(r->text, r->ntext)) {
		r->ntext = 0;
		return 0;
	}
	if (count_nodes(r, 1) < 0)
		return -1;
	if ((s = clean(r->text, r->ntext, &copy)) == NULL)
		goto oom;
	if ((t = xmpp_stanza_new(r->ctx)) == NULL) {
		free(copy);
		goto oom;
	}
	rc = xmpp_stanza_set_text_with_size(t, s, copy ? strlen(copy) :
	    r->ntext);
	free(copy);
	if (rc < 0 || xmpp_stanza_add_child(r->stack[r->depth - 1], t) < 0) {
		xmpp_stanza_release(t);
		goto oom;
	}
	xmpp_stanza_release(t);		/* the parent holds it now */
	r->ntext = 0;
	return 0;
oom:
	fail(r, cur_line(r), "out of memory");
	return -1;
}

/* A new element named name with the attributes expat gives. */
static xmpp_stanza_t *
new_element(struct xt_reader *r, const char *name, const char **atts)
{
	xmpp_stanza_t *st;
	const char *v;
	char *copy;
	int rc;

	if ((st = xmpp_stanza_new(r->ctx)) == NULL)
		return NULL;
	if (xmpp_stanza_set_name(st, name) < 0)
		goto fail;
	for (; atts[0] != NULL; atts += 2) {
		if ((v = clean(atts[1], strlen(atts[1]), &copy)) == NULL)
			goto fail;
		rc = xmpp_stanza_set_attribute(st, atts[0], v);
		free(copy);
		if (rc < 0)
			goto fail;
	}
	return st;
fail:
	xmpp_stanza_release(st);
	return NULL;
}

static void XMLCALL
on_start(void *arg, const XML_Char *name, const XML_Char **atts)
{
	struct xt_reader *r = arg;
	xmpp_stanza_t *st;
	size_t n;

	if (r->state != ST_BODY)
		return;
	if (!r->root_open) {
		r->root_open = 1;
		r->mark = XML_GetCurrentByteIndex(r->p) +
		    XML_GetCurrentByteCount(r->p);
		return;
	}
	if (r->depth == MAX_DEPTH) {
		fail(r, cur_line(r), "elements nested deeper than %d",
		    MAX_DEPTH);
		return;
	}
	if (r->depth == 0) {
		r->start_line = cur_line(r);
		r->mark = XML_GetCurrentByteIndex(r->p);
		r->nodes = 0;
	} else if (flush_text(r, 1) < 0)
		return;
	for (n = 0; atts[n] != NULL; n += 2)
		;
	if (n / 2 > MAX_ATTRS) {
		fail(r, cur_line(r), "element with more than %d attributes",
		    MAX_ATTRS);
		return;
	}
	if (count_nodes(r, 1 + n / 2) < 0)
		return;
	if ((st = new_element(r, name, atts)) == NULL) {
		fail(r, cur_line(r), "out of memory");
		return;
	}
	if (r->depth > 0) {
		if (xmpp_stanza_add_child(r->stack[r->depth - 1], st) < 0) {
			xmpp_stanza_release(st);
			fail(r, cur_line(r), "out of memory");
			return;
		}
		xmpp_stanza_release(st);	/* the parent holds it now */
	}
	if (r->depth > 0)
		r->haselem[r->depth - 1] = 1;
	r->nchild[r->depth] = 0;
	r->haselem[r->depth] = 0;
	r->stack[r->depth++] = st;
	check_size(r, XML_GetCurrentByteIndex(r->p) +
	    XML_GetCurrentByteCount(r->p));
}

static void XMLCALL
on_end(void *arg, const XML_Char *name)
{
	struct xt_reader *r = arg;
	xmpp_stanza_t *st;
	int stop;

	(void)name;
	if (r->state != ST_BODY)
		return;
	if (r->depth == 0) {
		/* Only our own ROOT_END may close the root. */
		if (!r->closing)
			fail(r, cur_line(r), "mismatched tag");
		return;
	}
	if (flush_text(r, 0) < 0)
		return;
	if (--r->depth > 0)
		return;
	st = r->stack[0];
	r->stack[0] = NULL;
	r->mark = XML_GetCurrentByteIndex(r->p) +
	    XML_GetCurrentByteCount(r->p);
	stop = r->cb(st, r->arg);
	xmpp_stanza_release(st);
	if (stop && r->state == ST_BODY) {
		r->state = ST_STOPPED;
		if (r->parsing)
			XML_StopParser(r->p, XML_FALSE);
	}
}

/* Something other than an element between stanzas: it is not part of a
 * stanza, so it does not count towards one's size. */
static void
between(struct xt_reader *r)
{
	if (r->depth == 0)
		r->mark = XML_GetCurrentByteIndex(r->p) +
		    XML_GetCurrentByteCount(r->p);
}

static void XMLCALL
on_text(void *arg, const XML_Char *s, int len)
{
	struct xt_reader *r = arg;
	size_t need;
	char *p;
	int i;

	if (r->state != ST_BODY)
		return;
	if (r->depth == 0) {
		for (i = 0; i < len; i++)
			if (memchr(" \t\r\n", s[i], 4) == NULL) {
				fail(r, cur_line(r), "text outside a stanza");
				return;
			}
		between(r);
		return;
	}
	if (check_size(r, XML_GetCurrentByteIndex(r->p) +
	    XML_GetCurrentByteCount(r->p)) < 0)
		return;
	need = r->ntext + len;
	if (need > r->text_cap) {
		if ((p = realloc(r->text, need * 2)) == NULL) {
			fail(r, cur_line(r), "out of memory");
			return;
		}
		r->text = p;
		r->text_cap = need * 2;
	}
	memcpy(r->text + r->ntext, s, len);
	r->ntext = need;
}

static void XMLCALL
on_comment(void *arg, const XML_Char *data)
{
	(void)data;
	between(arg);
}

static void XMLCALL
on_pi(void *arg, const XML_Char *target, const XML_Char *data)
{
	(void)target;
	(void)data;
	between(arg);
}

/* Only UTF-8 (and its subset ASCII) is read: stage 1 has already cleaned
 * the bytes as UTF-8, and the parser was created for UTF-8. */
static void XMLCALL
on_decl(void *arg, const XML_Char *version, const XML_Char *encoding,
    int standalone)
{
	struct xt_reader *r = arg;

	(void)version;
	(void)standalone;
	if (encoding != NULL && strcasecmp(encoding, "UTF-8") != 0 &&
	    strcasecmp(encoding, "UTF8") != 0 &&
	    strcasecmp(encoding, "US-ASCII") != 0)
		fail(r, cur_line(r), "encoding '%s' is not supported, "
		    "only UTF-8", encoding);
}

/* expat's words, except where they would puzzle someone who never saw
 * the synthetic root. */
static const char *
expat_message(struct xt_reader *r, int final)
{
	enum XML_Error e = XML_GetErrorCode(r->p);
	const char *ctx;
	int off, size;

	if (final)
		return "unexpected end of input";
	if (e == XML_ERROR_MISPLACED_XML_PI)
		return "XML declaration not at the start of the input";
	/* expat stops right after the "<!" of "<!DOCTYPE" or "<!ENTITY",
	 * with one more byte at least, and maybe no more (fed bytewise):
	 * the byte after "<!" is all there is to go by, whatever the reads.
	 * Neither a comment ("<!-") nor CDATA ("<![") gets here unless
	 * malformed. */
	if (e == XML_ERROR_INVALID_TOKEN &&
	    (ctx = XML_GetInputContext(r->p, &off, &size)) != NULL &&
	    off >= 2 && size > off && memcmp(ctx + off - 2, "<!", 2) == 0 &&
	    ctx[off] != '-' && ctx[off] != '[')
		return "DOCTYPE and entity declarations are not allowed";
	return XML_ErrorString(e);
}

/* Give n bytes to expat. Returns 0, 1 when stopped, -1 on error. */
static int
parse(struct xt_reader *r, const char *s, size_t n, int final)
{
	enum XML_Status st;

	if (r->state != ST_BODY)
		return r->state == ST_STOPPED ? 1 : -1;
	r->fed += n;
	r->parsing = 1;
	st = XML_Parse(r->p, s, (int)n, final);
	r->parsing = 0;
	if (r->state == ST_STOPPED)
		return 1;
	if (r->state == ST_FAILED)
		return -1;
	if (st == XML_STATUS_ERROR) {
		fail(r, cur_line(r), "%s", expat_message(r, final));
		if (!final && r->err_line == cur_line(r))
			r->err_col = cur_col(r);
		return -1;
	}
	/* expat keeps an unfinished tag in its buffer: bound that too. */
	if (r->fed - r->mark > MAX_STANZA) {
		fail(r, r->depth > 0 ? r->start_line : r->line,
		    "stanza larger than %d MiB", MAX_STANZA >> 20);
		return -1;
	}
	return 0;
}

/* ---- stage 2: byte order mark, XML declaration, synthetic root ---- */

/* 1 if the m bytes at b start with lit, 0 if they cannot, -1 if there are
 * too few bytes to tell. */
static int
starts(const char *b, size_t m, const char *lit)
{
	size_t n = strlen(lit);

	if (memcmp(b, lit, m < n ? m : n) != 0)
		return 0;
	return m >= n ? 1 : -1;
}

/* Decide from the bytes in pro whether the input starts with an XML
 * declaration. Returns 0 while more bytes are needed, else what parse()
 * returned for everything held so far. */
static int
prolog(struct xt_reader *r, int eof)
{
	const char *b = r->pro, *e = NULL;
	size_t m = r->npro, k = 0;
	int decl, rc;

	if ((rc = starts(b, m, "\xef\xbb\xbf")) == -1 && !eof)
		return 0;
	if (rc == 1) {
		b += 3;
		m -= 3;
	}
	/* "<?xml-stylesheet" is a processing instruction, not a declaration */
	if ((decl = starts(b, m, "<?xml")) == 1)
		decl = m < 6 ? -1 : memchr(" \t\r\n", b[5], 4) != NULL;
	if (decl == -1 && !eof)
		return 0;
	if (decl == 1 && (e = memmem(b, m, "?>", 2)) == NULL && !eof) {
		if (r->npro < sizeof(r->pro))
			return 0;
		fail(r, 1, "XML declaration longer than %d bytes", DECL_MAX);
		return -1;
	}
	if (decl == 1)
		k = e ? (size_t)(e + 2 - b) : m;
	r->state = ST_BODY;
	if ((rc = parse(r, b, k, 0)) != 0)
		return rc;
	r->root_line = cur_line(r);
	if ((rc = parse(r, ROOT, strlen(ROOT), 0)) != 0)
		return rc;
	return parse(r, b + k, m - k, 0);
}

/* Pass clean bytes to expat, through prolog() until it has decided. */
static int
stage2(struct xt_reader *r, const char *s, size_t n)
{
	size_t k;
	int rc;

	while (r->state == ST_PROLOG) {
		k = sizeof(r->pro) - r->npro;
		if (k > n)
			k = n;
		memcpy(r->pro + r->npro, s, k);
		r->npro += k;
		s += k;
		n -= k;
		if ((rc = prolog(r, 0)) != 0 || r->state == ST_PROLOG)
			return rc;
	}
	return parse(r, s, n, 0);
}

/* ---- stage 1: valid UTF-8 without forbidden characters ---- */

static void
warn_flush(struct xt_reader *r)
{
	if (r->warn_count == 0)
		return;
	/* The words of xmpp-send's warning about its message body. */
	xt_warn("warning: line %lu: replaced %zu character%s that XMPP "
	    "cannot carry with U+FFFD", r->warn_line, r->warn_count,
	    r->warn_count == 1 ? "" : "s");
	r->warn_count = 0;
}

static void
count_lines(struct xt_reader *r, const char *s, size_t n)
{
	const char *end = s + n;

	while ((s = memchr(s, '\n', end - s)) != NULL) {
		r->line++;
		s++;
	}
}

/* Clean one line (or part of one) that needs it, and pass it on. */
static int
clean_line(struct xt_reader *r, const char *s, size_t n)
{
	size_t count;
	char *c;
	int rc;

	if ((c = xt_text_sanitize(s, n, &count)) == NULL) {
		fail(r, r->line, "out of memory");
		return -1;
	}
	if (r->warn_count > 0 && r->warn_line != r->line)
		warn_flush(r);
	r->warn_line = r->line;
	r->warn_count += count;
	/* Tell before the stanza on this line goes anywhere. */
	if (s[n - 1] == '\n')
		warn_flush(r);
	rc = stage2(r, c, strlen(c));
	free(c);
	return rc;
}

static int
stage1(struct xt_reader *r, const char *s, size_t n)
{
	const char *nl;
	size_t k;
	int rc = 0;

	if (xt_text_valid_prefix(s, n) == n) {
		count_lines(r, s, n);
		rc = stage2(r, s, n);
	} else {
		/* Rare: go line by line so each warning names its line. */
		while (n > 0 && rc == 0) {
			nl = memchr(s, '\n', n);
			k = nl ? (size_t)(nl - s) + 1 : n;
			if (xt_text_valid_prefix(s, k) == k)
				rc = stage2(r, s, k);
			else
				rc = clean_line(r, s, k);
			if (nl != NULL)
				r->line++;
			s += k;
			n -= k;
		}
	}
	if (r->warn_count > 0 && r->line > r->warn_line)
		warn_flush(r);
	return rc;
}

/* ---- the interface ---- */

/* Bytes at the end of s (0 to 3) that begin a UTF-8 sequence which the
 * next read may complete: cleaning them now would break the character. */
static size_t
incomplete_tail(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, need;

	for (i = 1; i <= 3 && i <= n; i++) {
		if ((p[n - i] & 0xc0) == 0x80)
			continue;
		if (p[n - i] < 0xc2 || p[n - i] > 0xf4)
			return 0;
		need = p[n - i] < 0xe0 ? 2 : p[n - i] < 0xf0 ? 3 : 4;
		return need > i ? i : 0;
	}
	return 0;
}

/* End of input: clean what was held back, settle the prolog, close the
 * synthetic root. */
static int
finish(struct xt_reader *r)
{
	int rc = 0;

	if (r->nhold > 0) {
		rc = stage1(r, r->work, r->nhold);
		r->nhold = 0;
	}
	if (rc == 0 && r->state == ST_PROLOG)
		rc = prolog(r, 1);
	warn_flush(r);
	if (rc != 0)
		return rc;
	if (r->depth > 0) {
		fail(r, r->start_line, "<%s> not closed at end of input",
		    xmpp_stanza_get_name(r->stack[0]));
		return -1;
	}
	r->closing = 1;
	if ((rc = parse(r, ROOT_END, strlen(ROOT_END), 1)) == 0)
		r->state = ST_DONE;
	return rc;
}

int
xt_reader_feed(struct xt_reader *r, const char *buf, size_t len, int eof)
{
	size_t n, total, keep;
	int rc;

	if (r->state == ST_FAILED)
		return -1;
	if (r->state == ST_STOPPED)
		return 1;
	if (r->state == ST_DONE) {
		if (len == 0)
			return 0;
		fail(r, r->line, "input after the end of input");
		return -1;
	}
	/* Slices bound the memory a single feed can take. */
	while (len > 0) {
		n = SLICE - r->nhold;
		if (n > len)
			n = len;
		memcpy(r->work + r->nhold, buf, n);
		buf += n;
		len -= n;
		total = r->nhold + n;
		keep = incomplete_tail(r->work, total);
		rc = stage1(r, r->work, total - keep);
		memmove(r->work, r->work + total - keep, keep);
		r->nhold = keep;
		if (rc != 0)
			return rc;
	}
	return eof ? finish(r) : 0;
}

unsigned long
xt_reader_line(struct xt_reader *r)
{
	return cur_line(r);
}

const char *
xt_reader_error(const struct xt_reader *r)
{
	return r->state == ST_FAILED ? r->err : NULL;
}

const char *
xt_reader_error_at(const struct xt_reader *r, unsigned long *line,
    unsigned long *col)
{
	if (r->state != ST_FAILED)
		return NULL;
	*line = r->err_line;
	*col = r->err_col;
	return r->err + r->err_msg;
}

size_t
xt_reader_unfinished(const struct xt_reader *r, int *open)
{
	*open = r->depth > 0;
	if (r->state == ST_PROLOG)
		return r->npro + r->nhold;
	if (r->state != ST_BODY)
		return 0;
	/* fed counts the synthetic root and the declaration too, but mark
	 * is past both once the root is open. */
	return (size_t)(r->fed - r->mark) + r->nhold;
}

void
xt_reader_trim(struct xt_reader *r)
{
	r->trim = 1;
}

struct xt_reader *
xt_reader_new(xmpp_ctx_t *ctx, xt_stanza_cb cb, void *arg)
{
	struct xt_reader *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	/* UTF-8 whatever a declaration says: stage 1 has made sure of it,
	 * and on_decl() refuses any other declared encoding. */
	r->p = XML_ParserCreate("UTF-8");
	r->work = malloc(SLICE);
	if (r->p == NULL || r->work == NULL) {
		xt_reader_free(r);
		return NULL;
	}
	r->ctx = ctx;
	r->cb = cb;
	r->arg = arg;
	r->line = 1;
	r->state = ST_PROLOG;
	XML_SetUserData(r->p, r);
	XML_SetElementHandler(r->p, on_start, on_end);
	XML_SetCharacterDataHandler(r->p, on_text);
	XML_SetCommentHandler(r->p, on_comment);
	XML_SetProcessingInstructionHandler(r->p, on_pi);
	XML_SetXmlDeclHandler(r->p, on_decl);
	XML_SetParamEntityParsing(r->p, XML_PARAM_ENTITY_PARSING_NEVER);
#if XML_MAJOR_VERSION * 100 + XML_MINOR_VERSION >= 206
	/* Hand a stanza on when its last byte arrives, not when the next
	 * read happens to come: expat 2.6 defers reparsing big tokens. */
	XML_SetReparseDeferralEnabled(r->p, XML_FALSE);
#endif
	return r;
}

void
xt_reader_free(struct xt_reader *r)
{
	if (r == NULL)
		return;
	warn_flush(r);
	if (r->depth > 0)
		xmpp_stanza_release(r->stack[0]);
	if (r->p != NULL)
		XML_ParserFree(r->p);
	free(r->work);
	free(r->text);
	free(r);
}
