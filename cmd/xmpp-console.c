/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xmpp-console: an XML console at a terminal, a stanza pipe without one. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "xt.h"

#define HIGH_WATER 1000		/* unconfirmed stanzas before we stop reading */
#define LOW_WATER 500
#define HISTORY_MAX 1000	/* entries kept in the history file */
#define ENTRY_MAX (1 << 20)	/* the longest entry typed or pasted */
#define JIDS_MAX 1000		/* JIDs remembered for completion */
#define KEEPALIVE 60		/* seconds between pings when idle */

static struct {
	char *color, *history_file;
	int passive;
} opt;

static struct poptOption table[] = {
	{ "color", '\0', POPT_ARG_STRING, &opt.color, 0,
	    "colour stanzas: auto (a terminal, NO_COLOR unset), always, never",
	    "WHEN" },
	{ "passive", '\0', POPT_ARG_NONE, &opt.passive, 0,
	    "answer nothing: pings, disco and other requests are shown, not "
	    "answered", NULL },
	{ "history-file", '\0', POPT_ARG_STRING, &opt.history_file, 0,
	    "where typed stanzas are kept (default "
	    "$XDG_STATE_HOME/xmpp-tools/history)", "FILE" },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, xt_conn_table, 0,
	    "Connection options:", NULL },
	POPT_AUTOHELP
	POPT_TABLEEND
};

enum dir { IN, OUT };

/* An iq get/set of ours waiting for its reply. */
struct request {
	char *id;
	double sent;
};

/* /filter: the terms of each kind; a stanza is shown when it matches one
 * term of every kind that has terms. */
enum { F_KIND, F_FROM, F_TO, F_JID, F_NS, F_DIR, F_NKINDS };

struct filter {
	char **terms[F_NKINDS];
	size_t n[F_NKINDS];
	char *text;		/* as typed, NULL: no filter */
	unsigned long hidden;
};

static struct {
	struct xt_session *s;
	xmpp_ctx_t *ctx;
	int interactive, color, quit, write_error, stdout_gone, error_shown;
	unsigned long ids;	/* c1, c2, ... */
	struct request *reqs;
	size_t nreqs;

	/* at a terminal */
	char *entry;		/* the lines typed so far of one entry */
	size_t elen, ecap;
	int raw;		/* /raw: lines until "." */
	char *last;		/* the last stanza sent, one line of XML */
	char *pending;		/* a shortcut's stanza, for the next line */
	FILE *log;		/* the session so far, for /save */
	unsigned long logged, sent;
	struct filter f;
	char **jids;		/* for completion */
	size_t njids;
	struct xt_strset *jidset;

	/* a pipe */
	struct xt_reader *reader;
	struct xt_outq *q;
	struct xt_idset *ours;	/* ids of the stanzas sent */
	char inbuf[65536];
	int eof, paused, data_error, errors;
	double reply_deadline;
} C;

static volatile sig_atomic_t interrupted;

static const char *const shortcuts[] = {
	"/msg", "/ping", "/disco", "/items", "/version", "/roster",
	"/presence", "/join", "/last", "/raw", "/filter", "/save", "/quit",
	"/help"
};

static const char *const namespaces[] = {
	"jabber:client", "jabber:iq:roster", "jabber:iq:version",
	"jabber:iq:last", "jabber:iq:private", "jabber:iq:register",
	"jabber:x:data", "jabber:x:oob", "urn:xmpp:ping", "urn:xmpp:time",
	"urn:xmpp:receipts", "urn:xmpp:carbons:2", "urn:xmpp:mam:2",
	"urn:xmpp:sid:0", "urn:xmpp:delay", "urn:xmpp:forward:0",
	"urn:xmpp:blocking", "urn:xmpp:http:upload:0", "urn:xmpp:sm:3",
	"urn:xmpp:chat-markers:0", "urn:xmpp:message-correct:0",
	"urn:xmpp:hints", "urn:ietf:params:xml:ns:xmpp-stanzas",
	"http://jabber.org/protocol/disco#info",
	"http://jabber.org/protocol/disco#items",
	"http://jabber.org/protocol/muc",
	"http://jabber.org/protocol/muc#admin",
	"http://jabber.org/protocol/muc#owner",
	"http://jabber.org/protocol/muc#user",
	"http://jabber.org/protocol/chatstates",
	"http://jabber.org/protocol/commands",
	"http://jabber.org/protocol/pubsub",
	"http://jabber.org/protocol/rsm",
	"vcard-temp"
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- small things ---- */

static const char *
next_id(void)
{
	static char buf[32];

	snprintf(buf, sizeof(buf), "c%lu", ++C.ids);
	return buf;
}

static int
is(const char *a, const char *b)
{
	return a != NULL && strcmp(a, b) == 0;
}

/* Local time of day with milliseconds. */
static const char *
clock_now(void)
{
	static char buf[32];
	struct timeval tv;
	struct tm tm;

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	snprintf(buf, sizeof(buf), "%02d:%02d:%02d.%03ld", tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (long)tv.tv_usec / 1000);
	return buf;
}

/* Append n bytes of text to a growing string, with & < > and " escaped
 * when esc. */
static void
put(char **out, size_t *len, size_t *cap, const char *text, size_t n,
    int esc)
{
	const char *rep;
	size_t i, k;

	for (i = 0; i < n; i++) {
		rep = NULL;
		if (esc && text[i] == '&')
			rep = "&amp;";
		else if (esc && text[i] == '<')
			rep = "&lt;";
		else if (esc && text[i] == '>')
			rep = "&gt;";
		else if (esc && text[i] == '"')
			rep = "&quot;";
		k = rep ? strlen(rep) : 1;
		if (*len + k + 1 > *cap) {
			*cap = (*len + k + 1) * 2;
			if ((*out = realloc(*out, *cap)) == NULL)
				xt_die(XT_SOFTWARE, "out of memory");
		}
		memcpy(*out + *len, rep ? rep : text + i, k);
		*len += k;
		(*out)[*len] = '\0';
	}
}

/* One line of XML from fmt, where each %s is replaced by its argument
 * escaped, each %S by its argument as it is. malloc'd. */
static char *
build(const char *fmt, ...)
{
	char *out = NULL;
	size_t len = 0, cap = 0;
	const char *arg;
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt != '\0'; fmt++) {
		if (fmt[0] == '%' && (fmt[1] == 's' || fmt[1] == 'S')) {
			arg = va_arg(ap, const char *);
			put(&out, &len, &cap, arg, strlen(arg), fmt[1] == 's');
			fmt++;
		} else
			put(&out, &len, &cap, fmt, 1, 0);
	}
	va_end(ap);
	if (out == NULL)
		out = xt_strdup("");
	return out;
}

/* ---- JIDs seen, for completion ---- */

static void
seen_jid(const char *jid)
{
	char *bare;

	/* readline shows them raw: nothing that acts on the terminal. */
	if (jid == NULL || *jid == '\0' || C.njids >= JIDS_MAX ||
	    !xt_jid_valid(jid, &(const char *){ NULL }) ||
	    xt_text_safe_prefix(jid, strlen(jid)) != strlen(jid))
		return;
	if (xt_strset_add(C.jidset, jid)) {
		C.jids = xt_grow(C.jids, C.njids, sizeof(*C.jids));
		C.jids[C.njids++] = xt_strdup(jid);
	}
	if (strchr(jid, '/') != NULL) {
		bare = xt_strdup(jid);
		*strchr(bare, '/') = '\0';
		seen_jid(bare);
		free(bare);
	}
}

static char **
complete(const char *text, int start, int end)
{
	const char **words;
	char **m;
	size_t n = 0, i;

	(void)end;
	/* A shortcut at the start of a line. */
	if (start == 0 && text[0] == '/' && C.elen == 0)
		return xt_term_matches(text, shortcuts, NELEM(shortcuts));
	words = calloc(C.njids + NELEM(namespaces) + 1, sizeof(*words));
	if (words == NULL)
		return NULL;
	for (i = 0; i < C.njids; i++)
		words[n++] = C.jids[i];
	for (i = 0; i < NELEM(namespaces); i++)
		words[n++] = namespaces[i];
	m = xt_term_matches(text, words, n);
	free(words);
	return m;
}

/* ---- the filter ---- */

static void
filter_clear(struct filter *f)
{
	size_t i, k;

	for (k = 0; k < F_NKINDS; k++) {
		for (i = 0; i < f->n[k]; i++)
			free(f->terms[k][i]);
		free(f->terms[k]);
		f->terms[k] = NULL;
		f->n[k] = 0;
	}
	free(f->text);
	f->text = NULL;
	f->hidden = 0;
}

static void
filter_add(struct filter *f, int kind, const char *term)
{
	f->terms[kind] = xt_grow(f->terms[kind], f->n[kind],
	    sizeof(*f->terms[kind]));
	f->terms[kind][f->n[kind]++] = xt_strdup(term);
}

/* 1 if jid is pattern, or has pattern as its bare JID. */
static int
jid_matches(const char *jid, const char *pattern)
{
	size_t n = strlen(pattern);

	if (jid == NULL)
		return 0;
	if (strcasecmp(jid, pattern) == 0)
		return 1;
	return strchr(pattern, '/') == NULL && strncasecmp(jid, pattern,
	    n) == 0 && jid[n] == '/';
}

static int
has_ns(xmpp_stanza_t *st, const char *ns)
{
	xmpp_stanza_t *c;

	if (!xmpp_stanza_is_tag(st))
		return 0;
	if (is(xmpp_stanza_get_ns(st), ns))
		return 1;
	for (c = xmpp_stanza_get_children(st); c; c = xmpp_stanza_get_next(c))
		if (has_ns(c, ns))
			return 1;
	return 0;
}

static int
term_matches(int kind, const char *t, xmpp_stanza_t *st, enum dir d)
{
	const char *type = xmpp_stanza_get_type(st);

	switch (kind) {
	case F_KIND:
		return is(xmpp_stanza_get_name(st), t) || is(type, t) ||
		    (is(t, "available") && type == NULL &&
		    is(xmpp_stanza_get_name(st), "presence"));
	case F_FROM:
		return jid_matches(xmpp_stanza_get_from(st), t);
	case F_TO:
		return jid_matches(xmpp_stanza_get_to(st), t);
	case F_JID:
		return jid_matches(xmpp_stanza_get_from(st), t) ||
		    jid_matches(xmpp_stanza_get_to(st), t);
	case F_NS:
		return has_ns(st, t);
	case F_DIR:
		return (d == IN) == is(t, "in");
	}
	return 0;
}

static int
filter_shows(const struct filter *f, xmpp_stanza_t *st, enum dir d)
{
	size_t k, i;

	for (k = 0; k < F_NKINDS; k++) {
		if (f->n[k] == 0)
			continue;
		for (i = 0; i < f->n[k]; i++)
			if (term_matches(k, f->terms[k][i], st, d))
				break;
		if (i == f->n[k])
			return 0;
	}
	return 1;
}

/* /filter TERM...: 0, or -1 with a message. */
static int
filter_set(struct filter *f, char **words, size_t n)
{
	static const struct { const char *prefix; int kind; } keyed[] = {
		{ "from=", F_FROM }, { "to=", F_TO }, { "jid=", F_JID },
		{ "ns=", F_NS }
	};
	struct filter nf;
	size_t i, j, len = 0;
	const char *w, *why;

	memset(&nf, 0, sizeof(nf));
	for (i = 0; i < n; i++) {
		w = words[i];
		for (j = 0; j < NELEM(keyed); j++)
			if (strncmp(w, keyed[j].prefix,
			    strlen(keyed[j].prefix)) == 0)
				break;
		if (j < NELEM(keyed)) {
			w += strlen(keyed[j].prefix);
			if (*w == '\0' || (keyed[j].kind != F_NS &&
			    !xt_jid_valid(w, &why))) {
				xt_error("/filter: invalid %s'%s'",
				    keyed[j].prefix, w);
				filter_clear(&nf);
				return -1;
			}
			filter_add(&nf, keyed[j].kind, w);
		} else if (strchr(w, ':') != NULL) {
			filter_add(&nf, F_NS, w);
		} else if (strchr(w, '=') != NULL) {
			xt_error("/filter: unknown term '%s' (from=, to=, jid=, "
			    "ns=)", w);
			filter_clear(&nf);
			return -1;
		} else if (is(w, "in") || is(w, "out")) {
			filter_add(&nf, F_DIR, w);
		} else {
			filter_add(&nf, F_KIND, w);
		}
		len += strlen(words[i]) + 1;
	}
	filter_clear(f);
	*f = nf;
	f->text = calloc(1, len + 1);
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(f->text, " ");
		strcat(f->text, words[i]);
	}
	return 0;
}

/* ---- showing and recording ---- */

static void
out_begin(void)
{
	xt_term_hide();
}

static void
out_end(void)
{
	if (fflush(stdout) != 0 && C.write_error == 0)
		C.write_error = errno ? errno : EIO;
	xt_term_show();
}

/* One stanza on the terminal, headed by time, direction and note. */
static void
show(xmpp_stanza_t *st, enum dir d, const char *note)
{
	const char *col = "", *end = "";
	char *text;

	if (C.f.text != NULL && !filter_shows(&C.f, st, d)) {
		C.f.hidden++;
		return;
	}
	if (C.color) {
		col = is(xmpp_stanza_get_type(st), "error") ? "\033[31m" :
		    d == IN ? "\033[32m" : "\033[36m";
		end = "\033[0m";
	}
	text = xt_stanza_pretty(st, C.color);
	out_begin();
	if (printf("%s<!-- %s %s%s%s -->%s\n%s", col, clock_now(),
	    d == IN ? "in" : "out", note ? ": " : "", note ? note : "", end,
	    text) < 0 && C.write_error == 0)
		C.write_error = errno ? errno : EIO;
	out_end();
	free(text);
}

/* s in a comment of /save: "--" may not appear there, "- -" does. */
static void
put_comment(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		putc(*s, f);
		if (s[0] == '-' && s[1] == '-')
			putc(' ', f);
	}
}

/* Keep st for /save: as a stanza if the user sent it, else in a
 * comment (a replay sends what was sent, not what came). */
static void
record(xmpp_stanza_t *st, enum dir d, const char *note, int by_user)
{
	char *line;

	if (C.log == NULL)
		return;
	line = xt_stanza_xml_line(st);
	C.logged++;
	if (by_user) {
		C.sent++;
		fprintf(C.log, "<!-- %s out -->\n%s\n", clock_now(), line);
	} else {
		fprintf(C.log, "<!-- %s %s%s", clock_now(), d == IN ? "in" :
		    "out", note ? ": " : "");
		put_comment(C.log, note ? note : "");
		putc('\n', C.log);
		put_comment(C.log, line);
		fputs("\n-->\n", C.log);
	}
	free(line);
}

/* ---- requests and replies ---- */

static void
request_add(const char *id)
{
	C.reqs = xt_grow(C.reqs, C.nreqs, sizeof(*C.reqs));
	C.reqs[C.nreqs].id = xt_strdup(id);
	C.reqs[C.nreqs].sent = xt_now();
	C.nreqs++;
}

/* If st answers a request of ours, the seconds it took (and the request
 * is done); else -1. */
static double
request_done(xmpp_stanza_t *st)
{
	const char *id = xmpp_stanza_get_id(st);
	const char *type = xmpp_stanza_get_type(st);
	double t;
	size_t i;

	if (!is(xmpp_stanza_get_name(st), "iq") || id == NULL ||
	    (!is(type, "result") && !is(type, "error")))
		return -1;
	for (i = 0; i < C.nreqs; i++)
		if (strcmp(C.reqs[i].id, id) == 0)
			break;
	if (i == C.nreqs)
		return -1;
	t = xt_now() - C.reqs[i].sent;
	free(C.reqs[i].id);
	/* In the order sent, for the message naming those never answered. */
	memmove(C.reqs + i, C.reqs + i + 1, (--C.nreqs - i) *
	    sizeof(*C.reqs));
	return t;
}

/* A stanza about to go: an id if it has none, its request noted. */
static void
prepare(xmpp_stanza_t *st)
{
	const char *name = xmpp_stanza_get_name(st);
	const char *type = xmpp_stanza_get_type(st);

	if (!is(name, "iq") && !is(name, "message") && !is(name, "presence"))
		return;
	if (xmpp_stanza_get_id(st) == NULL)
		xmpp_stanza_set_id(st, next_id());
	if (is(name, "iq") && !is(type, "result") && !is(type, "error"))
		request_add(xmpp_stanza_get_id(st));
	if (C.ours != NULL)
		xt_idset_check(C.ours, "", 0, xmpp_stanza_get_id(st), 1);
}

/* At a terminal: send what the user typed. */
static void
send_typed(xmpp_stanza_t *st)
{
	prepare(st);
	seen_jid(xmpp_stanza_get_to(st));
	free(C.last);
	C.last = xt_stanza_xml_line(st);
	show(st, OUT, NULL);
	record(st, OUT, NULL, 1);
	xt_session_send(C.s, st);
}

/* An error answer to something we sent, in a pipe: the exit status
 * will be 1, and this says why. */
static void
bounced(xmpp_stanza_t *st)
{
	const char *from = xmpp_stanza_get_from(st);
	const char *text = xt_error_text(st);

	C.errors++;
	xt_error("%s '%s' to '%s' failed: %s%s%s", xmpp_stanza_get_name(st),
	    xmpp_stanza_get_id(st), from ? from : xt_session_domain(C.s),
	    xt_error_condition(st), text ? ": " : "", text ? text : "");
}

static void
write_stanza(xmpp_stanza_t *st)
{
	if (C.stdout_gone || C.write_error)
		return;
	if (xt_write_stanza(stdout, xt_opt.format, st) < 0 ||
	    fflush(stdout) != 0) {
		if (errno == EPIPE)
			C.stdout_gone = 1;	/* `| head -1` */
		else
			C.write_error = errno ? errno : EIO;
	}
}

/* Every stanza that arrives. */
static int
stanza_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
	const char *type = xmpp_stanza_get_type(st), *name, *id;
	char note[128], *n = NULL;
	xmpp_stanza_t *answer = NULL;
	double t;

	(void)conn;
	(void)arg;
	/* Login traffic is the session's. */
	if (xt_session_jid(C.s) == NULL)
		return 1;
	name = xmpp_stanza_get_name(st);
	id = xmpp_stanza_get_id(st);
	/* The session's own requests (barriers) are no one's business. */
	if (is(name, "iq") && (is(type, "result") || is(type, "error")) &&
	    xt_session_own_id(C.s, id))
		return 1;
	if ((t = request_done(st)) >= 0) {
		if (t < 1)
			snprintf(note, sizeof(note), "reply to '%s' after "
			    "%.1f ms", id, t * 1000);
		else
			snprintf(note, sizeof(note), "reply to '%s' after "
			    "%.3f s", id, t);
		n = note;
		if (!C.interactive && is(type, "error"))
			bounced(st);
	} else if (!C.interactive && is(type, "error") && id != NULL &&
	    C.ours != NULL && xt_idset_check(C.ours, "", 0, id, 0)) {
		bounced(st);
	}
	if (is(name, "iq") && (is(type, "get") || is(type, "set"))) {
		if (opt.passive)
			n = "not answered (--passive)";
		else
			answer = xt_iq_answer(C.s, st);
	}
	if (C.interactive) {
		seen_jid(xmpp_stanza_get_from(st));
		show(st, IN, n);
		record(st, IN, n, 0);
	} else {
		write_stanza(st);
	}
	if (answer != NULL) {
		xt_session_send(C.s, answer);
		if (C.interactive) {
			show(answer, OUT, "answered automatically");
			record(answer, OUT, "answered automatically", 0);
		}
		xmpp_stanza_release(answer);
	}
	return 1;
}

/* ---- at a terminal: entries ---- */

static void
entry_reset(void)
{
	C.elen = 0;
	if (C.entry != NULL)
		C.entry[0] = '\0';
	xt_term_prompt(C.raw ? "raw> " : "xml> ");
}

static int
entry_add(const char *line)
{
	size_t n = strlen(line);

	if (C.elen + n + 2 > ENTRY_MAX) {
		xt_error("entry longer than %d bytes; not sent", ENTRY_MAX);
		return -1;
	}
	if (C.elen + n + 2 > C.ecap) {
		C.ecap = (C.elen + n + 2) * 2;
		if ((C.entry = realloc(C.entry, C.ecap)) == NULL)
			xt_die(XT_SOFTWARE, "out of memory");
	}
	memcpy(C.entry + C.elen, line, n);
	C.elen += n;
	C.entry[C.elen++] = '\n';
	C.entry[C.elen] = '\0';
	return 0;
}

/* The entry as history keeps it: without its last newline. */
static void
entry_remember(void)
{
	if (C.elen == 0)
		return;
	C.entry[C.elen - 1] = '\0';
	xt_term_remember(C.entry);
	C.entry[C.elen - 1] = '\n';
}

/* Line and column (from 1, in characters) of byte off of the entry. */
static void
entry_pos(size_t off, unsigned long *line, unsigned long *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off && i < C.elen; i++) {
		if (C.entry[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)C.entry[i] & 0xc0) != 0x80)
			(*col)++;
	}
}

/* The line of the entry, and a caret under col. */
static void
entry_point(unsigned long line, unsigned long col)
{
	const char *p = C.entry, *e;
	unsigned long i;

	for (i = 1; i < line && p != NULL; i++)
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	if (p == NULL || *p == '\0')
		return;
	e = strchr(p, '\n');
	out_begin();
	fprintf(stderr, "  %.*s\n", (int)(e ? e - p : (long)strlen(p)), p);
	if (col > 0)
		fprintf(stderr, "  %*s^\n", (int)(col - 1), "");
	fflush(stderr);
	out_end();
}

struct collected {
	xmpp_stanza_t **st;
	size_t n;
};

static int
collect(xmpp_stanza_t *st, void *arg)
{
	struct collected *c = arg;

	c->st = xt_grow(c->st, c->n, sizeof(*c->st));
	c->st[c->n++] = xmpp_stanza_clone(st);
	return 0;
}

static void
collected_free(struct collected *c)
{
	while (c->n > 0)
		xmpp_stanza_release(c->st[--c->n]);
	free(c->st);
}

/* Parse the entry: send it if it is complete, say where it is wrong if
 * it is malformed, else wait for more (final: nothing more comes). */
static void
entry_try(int final)
{
	struct collected c = { NULL, 0 };
	struct xt_reader *r;
	unsigned long line, col;
	const char *msg, *tail;
	size_t i, n;
	int open, rc;

	for (i = 0; i < C.elen && strchr(" \t\r\n", C.entry[i]); i++)
		;
	if (i == C.elen) {
		entry_reset();
		return;
	}
	if (C.entry[i] != '<') {
		entry_pos(i, &line, &col);
		xt_error("line %lu, column %lu: text outside a stanza; not sent "
		    "(shortcuts start with '/', /help lists them)", line, col);
		entry_point(line, col);
		entry_remember();
		entry_reset();
		return;
	}
	r = xt_reader_new(C.ctx, collect, &c);
	if (r == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	/* Typed with indentation: that is layout, not data. */
	xt_reader_trim(r);
	rc = xt_reader_feed(r, C.entry, C.elen, final);
	if (rc < 0) {
		msg = xt_reader_error_at(r, &line, &col);
		if (col > 0)
			xt_error("line %lu, column %lu: %s; not sent", line, col,
			    msg);
		else
			xt_error("line %lu: %s; not sent", line, msg);
		entry_point(line, col);
		goto done;
	}
	n = xt_reader_unfinished(r, &open);
	tail = C.entry + C.elen - (n < C.elen ? n : C.elen);
	while (*tail != '\0' && strchr(" \t\r\n", *tail))
		tail++;
	if (open || *tail == '<') {
		/* More to come: a continuation prompt. */
		xt_reader_free(r);
		collected_free(&c);
		xt_term_prompt("...> ");
		return;
	}
	if (*tail != '\0') {
		entry_pos(tail - C.entry, &line, &col);
		xt_error("line %lu, column %lu: text outside a stanza; not sent",
		    line, col);
		entry_point(line, col);
		goto done;
	}
	for (i = 0; i < c.n; i++)
		send_typed(c.st[i]);
done:
	xt_reader_free(r);
	collected_free(&c);
	entry_remember();
	entry_reset();
}

/* ---- at a terminal: shortcuts ---- */

static void
help(void)
{
	static const char *const text =
	    "shortcuts (each fills the line with a stanza: Enter sends it):\n"
	    "  /msg JID TEXT            a chat message\n"
	    "  /ping [JID]              XEP-0199 ping (default: the server)\n"
	    "  /disco [JID [NODE]]      disco#info\n"
	    "  /items [JID [NODE]]      disco#items\n"
	    "  /version [JID]           software version\n"
	    "  /roster                  the roster\n"
	    "  /presence [SHOW] [TEXT]  presence: online, away, chat, dnd, "
	    "xa, unavailable\n"
	    "  /join ROOM [NICK]        enter a room\n"
	    "  /last                    the last stanza sent, to edit\n"
	    "and at once:\n"
	    "  /raw                     paste mode: lines until a '.' line\n"
	    "  /filter [TERM...|off]    show only stanzas matching: message, "
	    "presence, iq,\n"
	    "                           a type, from=JID, to=JID, jid=JID, "
	    "ns=NS, in, out\n"
	    "  /save FILE               the session so far, as XML to replay\n"
	    "  /quit                    end (also ^D); ^C discards the entry\n"
	    "  /help                    this\n";

	out_begin();
	fputs(text, stderr);
	fflush(stderr);
	out_end();
}

/* The next word of *p (in place: its end is cut), *p moved past it and
 * the blanks after it; NULL at the end. */
static char *
word(char **p)
{
	char *w = *p, *e;

	while (*w == ' ' || *w == '\t')
		w++;
	if (*w == '\0')
		return NULL;
	for (e = w; *e != '\0' && *e != ' ' && *e != '\t'; e++)
		;
	if (*e != '\0')
		*e++ = '\0';
	while (*e == ' ' || *e == '\t')
		e++;
	*p = e;
	return w;
}

/* What is left of *p, without the blanks at its end; NULL if nothing. */
static char *
rest_of(char **p)
{
	char *r = *p, *e;

	while (*r == ' ' || *r == '\t')
		r++;
	e = r + strlen(r);
	while (e > r && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*e = '\0';
	*p = e;
	return *r != '\0' ? r : NULL;
}

static int
valid_jid(const char *cmd, const char *jid)
{
	const char *why;

	if (xt_jid_valid(jid, &why))
		return 1;
	xt_error("%s: invalid JID '%s': %s", cmd, jid, why);
	return 0;
}

static void
save(const char *path)
{
	char *tmp, buf[65536], when[64];
	FILE *f;
	size_t n;
	int ok = 1;

	if (asprintf(&tmp, "%s.tmp", path) < 0)
		xt_die(XT_SOFTWARE, "out of memory");
	if ((f = fopen(tmp, "w")) == NULL) {
		xt_error("/save: cannot write '%s': %s", tmp,
		    xt_strerror(errno));
		free(tmp);
		return;
	}
	xt_datetime_format(time(NULL), when, sizeof(when));
	fputs("<!-- xmpp-console session of ", f);
	put_comment(f, xt_session_jid(C.s));
	fprintf(f, ", saved %s -->\n", when);
	fflush(C.log);
	rewind(C.log);
	while ((n = fread(buf, 1, sizeof(buf), C.log)) > 0)
		if (fwrite(buf, 1, n, f) != n)
			ok = 0;
	if (ferror(C.log))
		ok = 0;
	fseek(C.log, 0, SEEK_END);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		ok = 0;
	if (fclose(f) != 0)
		ok = 0;
	if (!ok || rename(tmp, path) != 0) {
		xt_error("/save: cannot write '%s': %s", ok ? path : tmp,
		    xt_strerror(errno));
		unlink(tmp);
	} else
		xt_warn("saved %lu stanza%s (%lu sent) to '%s'", C.logged,
		    C.logged == 1 ? "" : "s", C.sent, path);
	free(tmp);
}

static void
filter_cmd(char **w, size_t n)
{
	if (n == 0) {
		if (C.f.text == NULL)
			xt_warn("no filter: every stanza is shown");
		else
			xt_warn("filter: %s (%lu stanza%s hidden)", C.f.text,
			    C.f.hidden, C.f.hidden == 1 ? "" : "s");
		return;
	}
	if (n == 1 && (is(w[0], "off") || is(w[0], "none"))) {
		filter_clear(&C.f);
		xt_warn("filter off: every stanza is shown");
		return;
	}
	if (filter_set(&C.f, w, n) == 0)
		xt_warn("filter: %s", C.f.text);
}

static void
presence_cmd(char *args)
{
	static const char *const shows[] = { "away", "chat", "dnd", "xa" };
	const char *show = NULL, *status;
	char *p = args, *first;
	size_t i;
	int unavailable = 0, keyword = 0;

	first = word(&p);
	for (i = 0; first != NULL && i < NELEM(shows); i++)
		if (is(first, shows[i]))
			show = shows[i];
	if (show != NULL || is(first, "online") || is(first, "available") ||
	    is(first, "unavailable")) {
		unavailable = is(first, "unavailable");
		keyword = 1;
	}
	if (!keyword && first != NULL) {
		/* All of it is the status: put back the cut. */
		if (*p != '\0')
			first[strlen(first)] = ' ';
		p = first;
	}
	status = rest_of(&p);
	free(C.pending);
	C.pending = build("<presence%S>%S%s%S%S%s%S</presence>",
	    unavailable ? " type=\"unavailable\"" : "",
	    show ? "<show>" : "", show ? show : "", show ? "</show>" : "",
	    status ? "<status>" : "", status ? status : "",
	    status ? "</status>" : "");
}

/* /ping, /version, /disco, /items: an iq get to a JID (our server by
 * default), with a node for disco. */
static void
query_cmd(const char *cmd, char *args)
{
	const char *ns, *el = "query", *to = xt_session_domain(C.s);
	char *p = args, *jid, *node;
	int nodes = 0;

	if (is(cmd, "/ping")) {
		ns = "urn:xmpp:ping";
		el = "ping";
	} else if (is(cmd, "/version"))
		ns = "jabber:iq:version";
	else {
		ns = is(cmd, "/disco") ? XT_NS_DISCO_INFO : XT_NS_DISCO_ITEMS;
		nodes = 1;
	}
	jid = word(&p);
	node = nodes ? word(&p) : NULL;
	if (rest_of(&p) != NULL) {
		xt_error("%s takes %s", cmd, nodes ? "a JID and a node" :
		    "a JID");
		return;
	}
	if (jid != NULL) {
		if (!valid_jid(cmd, jid))
			return;
		to = jid;
		seen_jid(to);
	}
	free(C.pending);
	C.pending = build("<iq type=\"get\" to=\"%s\" id=\"%s\"><%S "
	    "xmlns=\"%s\"%S%s%S/></iq>", to, next_id(), el, ns,
	    node ? " node=\"" : "", node ? node : "", node ? "\"" : "");
}

static void
join_cmd(char *args)
{
	char *p = args, *room, *nick, *local = NULL;

	room = word(&p);
	nick = rest_of(&p);
	if (room == NULL) {
		xt_error("/join needs a room, and maybe a nick");
		return;
	}
	if (strchr(room, '@') == NULL || strchr(room, '/') != NULL ||
	    !xt_jid_valid(room, &(const char *){ NULL })) {
		xt_error("/join: invalid room '%s': a room is a JID like "
		    "ops@conference.example.org", room);
		return;
	}
	if (nick == NULL)
		nick = local = xmpp_jid_node(C.ctx, xt_session_jid(C.s));
	seen_jid(room);
	free(C.pending);
	C.pending = build("<presence to=\"%s/%s\"><x xmlns=\"%s\"/>"
	    "</presence>", room, nick ? nick : "console", XT_NS_MUC);
	if (local != NULL)
		xmpp_free(C.ctx, local);
}

static void
shortcut(char *line)
{
	char *p = line, *cmd, *args, *jid, *text;
	char *terms[64];
	size_t n;

	cmd = word(&p);
	args = p;
	if (is(cmd, "/msg")) {
		jid = word(&p);
		text = rest_of(&p);
		if (jid == NULL || text == NULL) {
			xt_error("/msg needs a JID and a text");
			return;
		}
		if (!valid_jid(cmd, jid))
			return;
		seen_jid(jid);
		free(C.pending);
		C.pending = build("<message to=\"%s\" type=\"chat\" "
		    "id=\"%s\"><body>%s</body></message>", jid, next_id(),
		    text);
	} else if (is(cmd, "/ping") || is(cmd, "/version") ||
	    is(cmd, "/disco") || is(cmd, "/items")) {
		query_cmd(cmd, args);
	} else if (is(cmd, "/roster")) {
		free(C.pending);
		C.pending = build("<iq type=\"get\" id=\"%s\"><query "
		    "xmlns=\"jabber:iq:roster\"/></iq>", next_id());
	} else if (is(cmd, "/presence")) {
		presence_cmd(args);
	} else if (is(cmd, "/join")) {
		join_cmd(args);
	} else if (is(cmd, "/last")) {
		if (C.last == NULL)
			xt_error("/last: nothing sent yet");
		else {
			free(C.pending);
			C.pending = xt_strdup(C.last);
		}
	} else if (is(cmd, "/raw")) {
		C.raw = 1;
		xt_warn("paste stanzas, then a line with a single '.'");
		entry_reset();
	} else if (is(cmd, "/filter")) {
		for (n = 0; n < NELEM(terms) && (terms[n] = word(&p)) != NULL;
		    n++)
			;
		filter_cmd(terms, n);
	} else if (is(cmd, "/save")) {
		if ((text = rest_of(&p)) == NULL)
			xt_error("/save needs a file name");
		else if (C.log == NULL)
			xt_error("/save: the session could not be kept (see "
			    "the warning at the start)");
		else
			save(text);
	} else if (is(cmd, "/quit")) {
		C.quit = 1;
	} else if (is(cmd, "/help")) {
		help();
	} else {
		xt_error("unknown shortcut '%s' (/help lists them)", cmd);
	}
	if (C.pending != NULL) {
		xt_term_prefill(C.pending);
		free(C.pending);
		C.pending = NULL;
	}
}

static void
typed(char *line)
{
	const char *p;

	if (line == NULL) {
		C.quit = 1;
		return;
	}
	if (C.raw) {
		if (strcmp(line, ".") == 0) {
			C.raw = 0;
			entry_try(1);
		} else if (entry_add(line) < 0) {
			C.raw = 0;
			entry_reset();
		}
		free(line);
		return;
	}
	for (p = line; *p == ' ' || *p == '\t'; p++)
		;
	if (C.elen == 0 && *p == '/') {
		xt_term_remember(line);
		shortcut(line);
	} else if (entry_add(line) < 0)
		entry_reset();
	else
		entry_try(0);
	free(line);
}

/* ---- a pipe ---- */

/* The id of the serialised stanza xml (as xt_stanza_xml_line writes
 * it), or "" (static). */
static const char *
id_of(const char *xml)
{
	static char id[256];
	const char *end = strchr(xml, '>'), *p = xml, *q;

	id[0] = '\0';
	while ((p = strstr(p, " id=\"")) != NULL && (end == NULL || p < end)) {
		p += 5;
		if ((q = strchr(p, '"')) != NULL && (size_t)(q - p) < sizeof(id))
			snprintf(id, sizeof(id), "%.*s", (int)(q - p), p);
		break;
	}
	return id;
}

static void
refused(const char *xml, size_t len, unsigned long line, size_t limit,
    void *arg)
{
	const char *id = id_of(xml);
	size_t i;

	(void)arg;
	/* Never sent: no reply is due. */
	for (i = 0; *id != '\0' && i < C.nreqs; i++)
		if (strcmp(C.reqs[i].id, id) == 0) {
			free(C.reqs[i].id);
			memmove(C.reqs + i, C.reqs + i + 1, (--C.nreqs - i) *
			    sizeof(*C.reqs));
			break;
		}
	C.errors++;
	xt_error("line %lu: stanza of %zu bytes not sent: larger than the %zu "
	    "the server accepts", line, len, limit);
}

static int
piped(xmpp_stanza_t *st, void *arg)
{
	char *xml;

	(void)arg;
	prepare(st);
	xml = xt_stanza_xml_line(st);
	xt_outq_push(C.q, xml, xt_reader_line(C.reader));
	return 0;
}

static void
end_of_input(void)
{
	C.eof = 1;
	xt_session_watch(C.s, -1, NULL, NULL);
}

static void
on_input(void *arg)
{
	ssize_t n;
	int rc;

	(void)arg;
	if (C.interactive) {
		xt_term_input();
		return;
	}
	n = read(STDIN_FILENO, C.inbuf, sizeof(C.inbuf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n < 0) {
		xt_error("cannot read standard input: %s", xt_strerror(errno));
		C.data_error = XT_IOERR;
		end_of_input();
		return;
	}
	rc = xt_reader_feed(C.reader, C.inbuf, n, n == 0);
	if (rc < 0) {
		/* What came before the bad line is still confirmed. */
		xt_error("%s", xt_reader_error(C.reader));
		C.data_error = XT_DATAERR;
	}
	if (rc != 0 || n == 0)
		end_of_input();
}

static int
pump(void *arg)
{
	size_t i;

	(void)arg;
	/* A link that died in silence shows (and a pipe that waits for
	 * replies is not held by one). */
	xt_keepalive(C.s, KEEPALIVE);
	if (C.interactive) {
		if (interrupted) {
			interrupted = 0;
			C.raw = 0;
			xt_term_cancel("xml> ");
			entry_reset();
		}
		return C.quit || xt_signalled || C.write_error;
	}
	if (xt_signalled && !C.eof) {
		end_of_input();
		xt_outq_hold(C.q);
	}
	if (C.stdout_gone && !C.eof)
		end_of_input();
	xt_outq_pump(C.q, C.eof);
	if (!C.paused && xt_outq_unconfirmed(C.q) >= HIGH_WATER)
		C.paused = 1;
	else if (C.paused && xt_outq_unconfirmed(C.q) < LOW_WATER)
		C.paused = 0;
	if (!C.eof)
		xt_session_pause_input(C.s, C.paused);
	if (xt_outq_stalled(C.q, xt_opt.timeout_s)) {
		xt_session_fail(C.s, XT_TEMPFAIL, "no answer from '%s' within "
		    "%g s", xt_session_domain(C.s), xt_opt.timeout_s);
		return 0;
	}
	if (!C.eof || xt_outq_unsettled(C.q) > 0)
		return 0;
	if (C.nreqs == 0 || xt_signalled || C.stdout_gone || C.write_error)
		return 1;
	/* Replies still due get -w more. */
	if (C.reply_deadline == 0) {
		C.reply_deadline = xt_now() + xt_opt.timeout_s;
		xt_session_set_deadline(C.s, 0);
	}
	if (xt_now() < C.reply_deadline)
		return 0;
	{
		char ids[512];
		size_t len = 0;

		ids[0] = '\0';
		for (i = 0; i < C.nreqs && len + 8 < sizeof(ids); i++)
			len += snprintf(ids + len, sizeof(ids) - len, "%s'%s'",
			    i ? ", " : "", C.reqs[i].id);
		if (len >= sizeof(ids))
			strcpy(ids + sizeof(ids) - 4, "...");
		xt_session_fail(C.s, XT_TEMPFAIL, "no reply to %zu iq "
		    "request%s within %g s: %s", C.nreqs, C.nreqs == 1 ? "" :
		    "s", xt_opt.timeout_s, ids);
	}
	return 0;
}

/* ---- set-up ---- */

static void
on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* ^C at the prompt throws away what is being typed. */
static void
catch_interrupt(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sigaction(SIGINT, &sa, NULL);
	interrupted = 0;
}

/* --color, NO_COLOR and the terminal. */
static int
use_color(void)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (opt.color == NULL || is(opt.color, "auto"))
		return isatty(STDOUT_FILENO) && (nc == NULL || *nc == '\0') &&
		    term != NULL && !is(term, "dumb");
	return is(opt.color, "always");
}

/* mkdir -p for the directories of path, private. */
static void
make_dirs(const char *path)
{
	char *p = xt_strdup(path), *s;

	for (s = p + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST)
			break;
		*s = '/';
	}
	free(p);
}

static void
history_start(void)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char *path = NULL;

	if (opt.history_file != NULL)
		path = xt_strdup(opt.history_file);
	else if (state != NULL && *state == '/') {
		if (asprintf(&path, "%s/xmpp-tools/history", state) < 0)
			path = NULL;
	} else if (home != NULL && *home != '\0') {
		if (asprintf(&path, "%s/.local/state/xmpp-tools/history",
		    home) < 0)
			path = NULL;
	}
	if (path == NULL)
		xt_warn("warning: no history kept: neither XDG_STATE_HOME nor "
		    "HOME is set");
	else if (*path != '\0')
		make_dirs(path);
	/* '' (or nowhere to keep it): this run's entries only. */
	xt_term_history(path && *path ? path : NULL, HISTORY_MAX);
	free(path);
}

/* An unlinked file for the session record. */
static FILE *
log_open(void)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	FILE *f = NULL;
	int fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	if (asprintf(&path, "%s/xmpp-console.XXXXXX", dir) < 0)
		return NULL;
	if ((fd = mkstemp(path)) >= 0) {
		unlink(path);
		if ((f = fdopen(fd, "w+")) == NULL)
			close(fd);
	}
	if (f == NULL)
		xt_warn("warning: /save will not work: cannot create a file in "
		    "'%s': %s", dir, xt_strerror(errno));
	free(path);
	return f;
}

/* The server went away (a restart, while debugging it): log in again,
 * with what is typed kept, until it is back or ^C. */
static int
reconnect(void)
{
	long attempt = 0;
	int status;

	xt_warn("%s; reconnecting (^C gives up)", xt_session_error(C.s));
	/* ^C now ends the waiting, and the console. */
	xt_catch_stop_signals();
	for (;;) {
		xt_backoff(attempt++, 30, 0);
		if (xt_signalled)
			return xt_session_status(C.s);
		if ((status = xt_session_reconnect(C.s)) == 0)
			break;
		if (!xt_session_retryable(C.s) || xt_signalled)
			return status;
		xt_warn("%s; trying again", xt_session_error(C.s));
	}
	catch_interrupt();
	xt_warn("reconnected as '%s'", xt_session_jid(C.s));
	seen_jid(xt_session_jid(C.s));
	xt_session_set_deadline(C.s, 0);
	xt_session_watch(C.s, STDIN_FILENO, on_input, NULL);
	return 0;
}

static int
run_terminal(void)
{
	int status;

	catch_interrupt();
	xt_warn("logged in as '%s'; /help lists the shortcuts",
	    xt_session_jid(C.s));
	seen_jid(xt_session_jid(C.s));
	seen_jid(xt_session_domain(C.s));
	xt_session_set_deadline(C.s, 0);
	xt_term_start("xml> ", typed);
	xt_session_watch(C.s, STDIN_FILENO, on_input, NULL);
	while ((status = xt_session_run(C.s, pump, NULL)) != 0 && !C.quit &&
	    !xt_signalled && xt_session_retryable(C.s) &&
	    (status = reconnect()) == 0)
		;
	xt_term_stop();
	if (status != 0)
		return status;
	/* Whatever was typed last has been processed before we go. */
	xt_session_set_deadline(C.s, xt_opt.timeout_s);
	xt_session_doing(C.s, "confirming what was sent to", NULL);
	return xt_barrier(C.s);
}

static int
run_pipe(void)
{
	size_t n;
	int status;

	C.q = xt_outq_new(C.s);
	xt_outq_on_refuse(C.q, refused, NULL);
	C.reader = xt_reader_new(C.ctx, piped, NULL);
	if (C.reader == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	/* Reading input for as long as it lasts: each answer is bounded
	 * (a stalled link), then the replies. */
	xt_session_set_deadline(C.s, 0);
	xt_session_watch(C.s, STDIN_FILENO, on_input, NULL);
	status = xt_session_run(C.s, pump, NULL);
	if (status != 0 && xt_session_error(C.s) != NULL) {
		/* Why first, then what it cost. */
		xt_error("%s", xt_session_error(C.s));
		C.error_shown = 1;
	}
	if ((n = xt_outq_unconfirmed(C.q)) > 0) {
		/* Nothing is lost without a word: they go to stderr, to be
		 * fed back. */
		xt_error("%zu stanza%s not confirmed by the server:", n,
		    n == 1 ? " was" : "s were");
		xt_outq_dump(C.q, stderr);
		if (status == 0)
			status = XT_NEGATIVE;
	}
	xt_reader_free(C.reader);
	xt_outq_free(C.q);
	return status;
}

int
main(int argc, const char **argv)
{
	poptContext pc;
	size_t i;
	int status;

	xt_init(argv[0]);
	pc = xt_parse_args(argc, argv, table, NULL);
	/* A usage error is one before the account is looked for. */
	if (opt.color != NULL && !is(opt.color, "auto") &&
	    !is(opt.color, "always") && !is(opt.color, "never"))
		xt_die(XT_USAGE, "invalid --color '%s': auto, always or never",
		    opt.color);
	xt_opts_finish(XT_FMT_XML);
	if (poptPeekArg(pc) != NULL)
		xt_die(XT_USAGE, "unexpected argument '%s'; try '%s --help'",
		    poptPeekArg(pc), xt_progname);
	C.interactive = isatty(STDIN_FILENO);
	C.color = use_color();
	/* Showing stanzas is the job, at a terminal too. */
	xt_need_stdout();
	xt_account_password(&xt_opt);
	C.s = xt_session_new();
	C.ctx = xt_session_ctx(C.s);
	C.jidset = xt_strset_new();
	C.ours = xt_idset_new();
	/* Requests are shown before their answers, or not answered. */
	xt_iq_manual();
	xmpp_handler_add(xt_session_conn(C.s), stanza_cb, NULL, NULL, NULL,
	    NULL);
	xt_catch_stop_signals();
	xt_session_interruptible(C.s);
	if (C.interactive) {
		history_start();
		xt_term_complete(complete, " \t\n\"'<>=");
		C.log = log_open();
	}
	status = xt_session_connect(C.s);
	/* Kept at a terminal, to log in again after an outage. */
	if (!C.interactive)
		xt_account_forget(&xt_opt);
	if (status == 0)
		status = C.interactive ? run_terminal() : run_pipe();
	xt_account_forget(&xt_opt);
	if (status != 0 && xt_session_error(C.s) != NULL && !C.error_shown)
		xt_error("%s", xt_session_error(C.s));
	if (status == 0 && C.data_error)
		status = C.data_error;
	if (status == 0 && C.errors > 0)
		status = XT_NEGATIVE;
	if (C.write_error) {
		xt_error("cannot write to standard output: %s",
		    xt_strerror(C.write_error));
		status = XT_IOERR;
	}
	if (xt_session_online(C.s))
		xt_session_close(C.s);
	xt_session_free(C.s);
	for (i = 0; i < C.nreqs; i++)
		free(C.reqs[i].id);
	free(C.reqs);
	for (i = 0; i < C.njids; i++)
		free(C.jids[i]);
	free(C.jids);
	xt_strset_free(C.jidset);
	xt_idset_free(C.ours);
	filter_clear(&C.f);
	free(C.entry);
	free(C.last);
	if (C.log != NULL)
		fclose(C.log);
	poptFreeContext(pc);
	/* A write error is told once, above. */
	if (!C.stdout_gone && !C.write_error)
		xt_close_stdout();
	return status;
}
