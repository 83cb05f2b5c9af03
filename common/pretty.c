/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pretty.c: a stanza as indented, optionally coloured XML for a person. */

/*
 * One element per line, two spaces per level. Attributes come in the
 * order and with the names of -o xml (xt_stanza_attributes: xmlns first,
 * then by name, xml:lang restored, an inherited xmlns left out), as
 * libstrophe keeps them in a hash table in no useful order. An element without children is <x/>; one whose
 * children are all text keeps the text on its line, <x>text</x>; one
 * with element children has its start and end tags on lines of their
 * own, and text between elements (unless it is only whitespace) on a
 * line of its own.
 *
 * Escaping is that of XML, & < > as &amp; &lt; &gt; (and " as &quot; in
 * attribute values), plus a character reference &#xhh; for whatever must
 * not reach a terminal raw (xt_text_unsafe()): text read from the network
 * cannot move the cursor, retitle the window or reverse what follows it.
 * Tab and newline in text are kept, so that a body reads as it was
 * written; in attribute values they are references, as a value is one
 * line. Bytes that are not UTF-8 become U+FFFD.
 *
 * The colours (ANSI SGR) are only put around what the plain output has:
 * removing every ESC [ ... m gives the plain output, byte for byte. A
 * span never crosses a newline, so each line stands alone.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt.h"

#define SGR_TAG		"\033[1;34m"	/* bold blue */
#define SGR_ATTR	"\033[33m"	/* yellow */
#define SGR_VALUE	"\033[32m"	/* green */
#define SGR_OFF		"\033[0m"

/* The output, one buffer for the whole stanza. */
struct out {
	char *s;
	size_t len, cap;
	int color;
	const char *sgr;	/* the colour in effect, NULL: none */
};

/* Room for n more bytes and the final NUL; doubling keeps a 10 MB body
 * from being copied more than a few times. */
static void
reserve(struct out *o, size_t n)
{
	size_t cap;
	char *p;

	if (n < o->cap - o->len)
		return;
	cap = o->cap ? o->cap : 256;
	while (n >= cap - o->len) {
		if (cap > SIZE_MAX / 2)
			xt_die(XT_SOFTWARE, "out of memory");
		cap *= 2;
	}
	if ((p = realloc(o->s, cap)) == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	o->s = p;
	o->cap = cap;
}

static void
put(struct out *o, const char *s, size_t n)
{
	if (n == 0)
		return;
	reserve(o, n);
	memcpy(o->s + o->len, s, n);
	o->len += n;
}

static void
puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* Switch to colour sgr (NULL: none), closing the span before; nothing
 * without colour or when it is in effect already, so that adjacent
 * pieces of one colour make one span. */
static void
paint(struct out *o, const char *sgr)
{
	if (!o->color || o->sgr == sgr)
		return;
	if (o->sgr != NULL)
		puts_(o, SGR_OFF);
	if (sgr != NULL)
		puts_(o, sgr);
	o->sgr = sgr;
}

/* The end of a line: no colour runs past it. */
static void
newline(struct out *o)
{
	paint(o, NULL);
	put(o, "\n", 1);
}

static void
indent(struct out *o, size_t depth)
{
	reserve(o, 2 * depth);
	memset(o->s + o->len, ' ', 2 * depth);
	o->len += 2 * depth;
}

/* The n bytes of s, which hold no character xt_text_unsafe() flags,
 * with the markup characters as entities (" too when quot). */
static void
put_markup(struct out *o, const char *s, size_t n, int quot)
{
	const char *ent;
	size_t i, run = 0;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&':
			ent = "&amp;";
			break;
		case '<':
			ent = "&lt;";
			break;
		case '>':
			ent = "&gt;";
			break;
		case '"':
			if (!quot)
				continue;
			ent = "&quot;";
			break;
		default:
			continue;
		}
		put(o, s + run, i - run);
		puts_(o, ent);
		run = i + 1;
	}
	put(o, s + run, n - run);
}

/* len bytes of s escaped: as text (tab and newline kept) or as an
 * attribute value (attr: every control a reference, " as &quot;). */
static void
put_escaped(struct out *o, const char *s, size_t len, int attr)
{
	const char *end = s + len;
	char ref[16];
	size_t n;
	long cp;

	while (s < end) {
		n = xt_text_safe_prefix(s, end - s);
		put_markup(o, s, n, attr);
		if ((s += n) == end)
			break;
		n = xt_text_unsafe(s, end - s, &cp);
		if (cp == -1)
			puts_(o, "\xef\xbf\xbd");
		else if (!attr && (cp == '\t' || cp == '\n'))
			put(o, s, 1);
		else {
			snprintf(ref, sizeof(ref), "&#x%lx;", cp);
			puts_(o, ref);
		}
		s += n;
	}
}

static void
put_string(struct out *o, const char *s, int attr)
{
	if (s != NULL)
		put_escaped(o, s, strlen(s), attr);
}

/* In the order and with the names of -o xml; inherited: the namespace
 * of the parent, which libstrophe's parser repeats on every child. */
static void
put_attributes(struct out *o, xmpp_stanza_t *st, const char *inherited)
{
	const char **a;
	size_t n, i;

	n = xt_stanza_attributes(st, inherited, &a);
	for (i = 0; i < n; i++) {
		paint(o, NULL);
		puts_(o, " ");
		paint(o, SGR_ATTR);
		/* Names from a parser need no escaping; this only keeps a
		 * name made by code from acting on the terminal. */
		put_string(o, a[2 * i], 1);
		paint(o, NULL);
		puts_(o, "=");
		paint(o, SGR_VALUE);
		puts_(o, "\"");
		put_string(o, a[2 * i + 1], 1);
		puts_(o, "\"");
	}
	free(a);
}

static int
blank(const char *s)
{
	if (s == NULL)
		return 1;
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

/* The text children of st, concatenated before escaping, so that a
 * character split between two of them (built by code) stays one. */
static void
put_texts(struct out *o, xmpp_stanza_t *st)
{
	xmpp_stanza_t *c, *only = NULL;
	const char *t;
	size_t n = 0, len, cap = 0;
	char *all = NULL, *p;

	for (c = xmpp_stanza_get_children(st); c; c = xmpp_stanza_get_next(c))
		if (xmpp_stanza_is_text(c) && n++ == 0)
			only = c;
	if (n == 1) {
		/* The usual case, a 10 MB body too: no copy. */
		put_string(o, xmpp_stanza_get_text_ptr(only), 0);
		return;
	}
	n = 0;
	for (c = xmpp_stanza_get_children(st); c; c = xmpp_stanza_get_next(c)) {
		if (!xmpp_stanza_is_text(c) ||
		    (t = xmpp_stanza_get_text_ptr(c)) == NULL)
			continue;
		len = strlen(t);
		if (len >= cap - n) {
			cap = cap ? cap : 256;
			while (len >= cap - n) {
				if (cap > SIZE_MAX / 2)
					xt_die(XT_SOFTWARE, "out of memory");
				cap *= 2;
			}
			if ((p = realloc(all, cap)) == NULL)
				xt_die(XT_SOFTWARE, "out of memory");
			all = p;
		}
		memcpy(all + n, t, len);
		n += len;
	}
	if (all != NULL)
		put_escaped(o, all, n, 0);
	free(all);
}

/* The line or lines of st at depth up to its children; 1 if its
 * children, all or some of them elements, are to follow (then the end
 * tag is the caller's), 0 if it is complete. */
static int
put_open(struct out *o, xmpp_stanza_t *st, size_t depth,
    const char *inherited)
{
	const char *name = xmpp_stanza_get_name(st);
	xmpp_stanza_t *c;
	int texts = 0, tags = 0;

	for (c = xmpp_stanza_get_children(st); c; c = xmpp_stanza_get_next(c)) {
		if (xmpp_stanza_is_tag(c))
			tags++;
		else if (xmpp_stanza_is_text(c))
			texts++;
	}
	indent(o, depth);
	paint(o, SGR_TAG);
	puts_(o, "<");
	put_string(o, name, 1);
	put_attributes(o, st, inherited);
	paint(o, SGR_TAG);
	if (tags == 0 && texts == 0) {
		puts_(o, "/>");
		newline(o);
		return 0;
	}
	puts_(o, ">");
	if (tags > 0) {
		newline(o);
		return 1;
	}
	paint(o, NULL);
	put_texts(o, st);
	paint(o, SGR_TAG);
	puts_(o, "</");
	put_string(o, name, 1);
	puts_(o, ">");
	newline(o);
	return 0;
}

static void
put_close(struct out *o, xmpp_stanza_t *st, size_t depth)
{
	indent(o, depth);
	paint(o, SGR_TAG);
	puts_(o, "</");
	put_string(o, xmpp_stanza_get_name(st), 1);
	puts_(o, ">");
	newline(o);
}

/*
 * The tree is walked with a stack of its own rather than by recursion:
 * our reader bounds the depth of what it reads, but a stanza built by
 * code may be of any depth, and this must not be what overflows.
 * stack[i] holds the open element at depth i and next[i] the child of it
 * to print next.
 */
char *
xt_stanza_pretty(xmpp_stanza_t *st, int color)
{
	struct out o = { NULL, 0, 0, color, NULL };
	xmpp_stanza_t **stack = NULL, **next = NULL, *c;
	size_t depth = 0;

	if (xmpp_stanza_is_text(st)) {
		put_string(&o, xmpp_stanza_get_text_ptr(st), 0);
		newline(&o);
	} else if (xmpp_stanza_is_tag(st) && put_open(&o, st, 0, NULL)) {
		stack = xt_grow(stack, 0, sizeof(*stack));
		next = xt_grow(next, 0, sizeof(*next));
		stack[0] = st;
		next[0] = xmpp_stanza_get_children(st);
		depth = 1;
	}
	while (depth > 0) {
		if ((c = next[depth - 1]) == NULL) {
			depth--;
			put_close(&o, stack[depth], depth);
			continue;
		}
		next[depth - 1] = xmpp_stanza_get_next(c);
		if (xmpp_stanza_is_text(c)) {
			if (blank(xmpp_stanza_get_text_ptr(c)))
				continue;
			indent(&o, depth);
			put_string(&o, xmpp_stanza_get_text_ptr(c), 0);
			newline(&o);
		} else if (xmpp_stanza_is_tag(c) && put_open(&o, c, depth,
		    xmpp_stanza_get_ns(stack[depth - 1]))) {
			stack = xt_grow(stack, depth, sizeof(*stack));
			next = xt_grow(next, depth, sizeof(*next));
			stack[depth] = c;
			next[depth] = xmpp_stanza_get_children(c);
			depth++;
		}
	}
	free(stack);
	free(next);
	reserve(&o, 0);
	o.s[o.len] = '\0';
	return o.s;
}
