/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xmpp-send: send messages or stanzas; exit 0 only once the server has
 * confirmed every one of them. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "xt.h"

#define NS_OOB "jabber:x:oob"
#define NS_RECEIPTS "urn:xmpp:receipts"
#define HIGH_WATER 1000		/* unconfirmed stanzas before we stop reading */
#define LOW_WATER 500
#define RAW_SLICE 256		/* --raw input parsed at a time */
#define MAX_STANZA 262144	/* Prosody's and Debian's ejabberd's limit */
#define DRAIN_SECS 2		/* a failed run reads the rest this long */
#define DRAIN_MAX (64 << 20)	/* and at most this much */
#define MAX_MESSAGE (10 << 20)	/* one message: a line, or all of stdin */

static struct {
	char *message, *type, *subject, *thread, *nick, *room_password_file;
	char *rate, *recipients, *failed, *retries, *max_stanza;
	char *upload_service, *content_type;
	const char **attach;
	int lines, raw, chatroom, receipt, dry_run, upload_only, partial;
} opt;

static struct poptOption table[] = {
	{ "message", 'm', POPT_ARG_STRING, &opt.message, 0,
	    "send TEXT instead of reading standard input", "TEXT" },
	{ "lines", 'l', POPT_ARG_NONE, &opt.lines, 0,
	    "send each line of standard input as a message, as it arrives",
	    NULL },
	{ "raw", 'r', POPT_ARG_NONE, &opt.raw, 0,
	    "standard input is XML stanzas, sent as they are", NULL },
	{ "chatroom", 'c', POPT_ARG_NONE, &opt.chatroom, 0,
	    "the JIDs are chat rooms: join, send, leave", NULL },
	{ "nick", 'n', POPT_ARG_STRING, &opt.nick, 0,
	    "nickname in rooms (default: the JID's local part)", "NICK" },
	{ "room-password-file", '\0', POPT_ARG_STRING,
	    &opt.room_password_file, 0, "read the rooms' password from FILE",
	    "FILE" },
	{ "subject", 's', POPT_ARG_STRING, &opt.subject, 0,
	    "message subject", "TEXT" },
	{ "thread", '\0', POPT_ARG_STRING, &opt.thread, 0,
	    "message thread", "ID" },
	{ "type", 't', POPT_ARG_STRING, &opt.type, 0,
	    "message type (default chat; groupchat with --chatroom)",
	    "chat|normal|headline|groupchat" },
	{ "receipt", '\0', POPT_ARG_NONE, &opt.receipt, 0,
	    "ask for delivery receipts (XEP-0184) and wait for them", NULL },
	{ "rate", '\0', POPT_ARG_STRING, &opt.rate, 0,
	    "send at most N stanzas per second", "N" },
	{ "recipients", '\0', POPT_ARG_STRING, &opt.recipients, 0,
	    "also send to the JIDs in FILE, one per line", "FILE" },
	{ "retries", '\0', POPT_ARG_STRING, &opt.retries, 0,
	    "reconnect N times after losing the connection (default 3)", "N" },
	{ "failed", '\0', POPT_ARG_STRING, &opt.failed, 0,
	    "write stanzas the server never confirmed to FILE", "FILE" },
	{ "max-stanza-size", '\0', POPT_ARG_STRING, &opt.max_stanza, 0,
	    "refuse to send stanzas over N bytes (default: what the server "
	    "advertises, else 262144)", "N" },
	{ "dry-run", '\0', POPT_ARG_NONE, &opt.dry_run, 0,
	    "write the stanzas to standard output, connect to nothing", NULL },
	{ "attach", 'A', POPT_ARG_ARGV, &opt.attach, 0,
	    "send FILE by HTTP upload (XEP-0363; repeatable; - is standard "
	    "input)", "FILE" },
	{ "upload-service", '\0', POPT_ARG_STRING, &opt.upload_service, 0,
	    "the HTTP upload service (default: found among the server's "
	    "items)", "JID" },
	{ "upload-only", '\0', POPT_ARG_NONE, &opt.upload_only, 0,
	    "upload the files and print their URLs; send no message", NULL },
	{ "content-type", '\0', POPT_ARG_STRING, &opt.content_type, 0,
	    "the files' content type (default: from the file name)", "TYPE" },
	{ "partial", '\0', POPT_ARG_NONE, &opt.partial, 0,
	    "send the files uploaded even when another upload failed", NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, xt_conn_table, 0,
	    "Connection options:", NULL },
	POPT_AUTOHELP
	POPT_TABLEEND
};

struct receipt {
	char *id, *to;
	int got;
};

struct run {
	const char **to;
	int nto;
	char **nicks;		/* the nick joined in each room */
	struct xt_session *s;
	xmpp_ctx_t *ctx;
	struct xt_outq *q;
	struct xt_reader *reader;
	char *room_password;
	char idprefix[16];
	unsigned long ids;
	long retries;
	double rate;
	int streaming, interactive, eof;
	struct xt_lines lines;	/* --lines: the input split */
	struct xt_upload_file *files;	/* --attach */
	size_t nfiles;
	char *attach_body;	/* --message or stdin, sent before the files */
	int uploaded, upload_failed, stdin_file;
	unsigned long lineno;
	struct receipt *rc;
	size_t nrc;
	double receipt_deadline;
	char **rawiqs;		/* ids of --raw iqs awaiting their reply */
	size_t nrawiqs;
	int paused;
	struct xt_idset *raw_ids;	/* --raw messages keep their own ids */
	int bounced, iq_errors, data_error, stdout_lost, read_error;
	int interrupted, refused;
	size_t max_stanza;
	char inbuf[65536];	/* read but not yet parsed */
	size_t inpos, inlen;
	int draining;		/* a failed run: take the rest unpaced */
	double limit;		/* a one-shot run ends by then (-w) */
	unsigned long long bytes_read;	/* from standard input */
};

static struct run run;


/* ---- building stanzas ---- */

static const char *
next_id(void)
{
	static char buf[48];

	snprintf(buf, sizeof(buf), "%s-%lu", run.idprefix, ++run.ids);
	return buf;
}

/* Replace what XML cannot carry, with a warning naming where. */
static char *
clean(const char *what, const char *raw, size_t len)
{
	size_t replaced = 0;
	char *text = xt_text_sanitize(raw, len, &replaced);

	if (text == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	if (replaced > 0)
		xt_warn("warning: replaced %zu character%s that XMPP cannot "
		    "carry in the %s with U+FFFD", replaced,
		    replaced == 1 ? "" : "s", what);
	return text;
}

/* Queue (or print, with --dry-run) one serialised stanza; tag is the
 * input line it came from (0: the message as a whole). */
static void
emit(xmpp_stanza_t *st, unsigned long tag)
{
	char *xml = xt_stanza_xml_line(st);

	if (xml == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	if (opt.dry_run) {
		xt_need_stdout();
		if (printf("%s\n", xml) < 0)
			run.stdout_lost = 1;
		free(xml);
		return;
	}
	xt_outq_push(run.q, xml, tag);
}

/* A stanza the server would refuse (or did): named, never re-sent. */
static void
refused(const char *xml, size_t len, unsigned long tag, size_t limit,
    void *arg)
{
	char where[48] = "";
	int namelen = (int)strcspn(xml + 1, " />");

	(void)arg;
	run.refused++;
	if (tag > 0)
		snprintf(where, sizeof(where), "line %lu: ", tag);
	if (limit > 0)
		xt_error("%s<%.*s> of %zu bytes not sent: larger than the "
		    "limit of %zu bytes (--max-stanza-size)", where, namelen,
		    xml + 1, len, limit);
	else
		xt_error("%s<%.*s> of %zu bytes not sent: the server closed "
		    "the stream over it (policy-violation)", where, namelen,
		    xml + 1, len);
}

static void
track_receipt(const char *id, const char *to)
{
	struct receipt *grown;

	grown = realloc(run.rc, (run.nrc + 1) * sizeof(*run.rc));
	if (grown == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	run.rc = grown;
	run.rc[run.nrc].id = strdup(id);
	run.rc[run.nrc].to = strdup(to);
	run.rc[run.nrc].got = 0;
	run.nrc++;
}

/* One message per recipient; with oob, a file's URL for clients to show
 * inline (XEP-0066), the body being that URL. */
static void
send_message(const char *body, const char *oob)
{
	xmpp_stanza_t *m, *x;
	const char *id;
	int i;

	for (i = 0; i < run.nto; i++) {
		id = next_id();
		m = xmpp_message_new(run.ctx, opt.type, run.to[i], id);
		if (opt.subject != NULL)
			xt_stanza_add(m, "subject", NULL, opt.subject);
		xt_stanza_add(m, "body", NULL, body);
		if (oob != NULL) {
			x = xt_stanza_add(m, "x", NS_OOB, NULL);
			xt_stanza_add(x, "url", NULL, oob);
		}
		if (opt.thread != NULL)
			xt_stanza_add(m, "thread", NULL, opt.thread);
		if (opt.receipt) {
			xt_stanza_add(m, "request", NS_RECEIPTS, NULL);
			track_receipt(id, run.to[i]);
		}
		/* XEP-0359: lets a receiver drop a duplicate after a
		 * re-send. */
		xmpp_stanza_set_id(xt_stanza_add(m, "origin-id",
		    "urn:xmpp:sid:0", NULL), id);
		emit(m, run.streaming ? run.lineno : 0);
		xmpp_stanza_release(m);
	}
}

static void
send_body(const char *body)
{
	send_message(body, NULL);
}

/* ---- reading input ---- */

static void
send_line(const char *line, size_t len)
{
	char what[64], *body;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0)
		return;		/* empty lines are skipped */
	snprintf(what, sizeof(what), "message of line %lu", run.lineno);
	body = clean(what, line, len);
	send_body(body);
	free(body);
}

/* *buf holds at least need bytes: capacity doubles, so a long input
 * costs as many copies as bytes, not bytes times reads. */
static char *
grow(char **buf, size_t *cap, size_t need)
{
	size_t c = *cap ? *cap : 4096;
	char *p;

	if (need <= *cap)
		return *buf;
	while (c < need)
		c *= 2;
	if ((p = realloc(*buf, c)) == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	*buf = p;
	*cap = c;
	return p;
}

static void
on_line(const char *line, size_t len, unsigned long lineno, void *arg)
{
	(void)arg;
	run.lineno = lineno;
	send_line(line, len);
}

/* A line too long to be a message is named, not sent. */
static void
on_too_long(unsigned long lineno, unsigned long long bytes, void *arg)
{
	(void)arg;
	run.lineno = lineno;
	xt_error("line %lu: %llu bytes not sent: longer than %d MiB, the "
	    "limit of a message", lineno, bytes, MAX_MESSAGE >> 20);
	run.refused++;
}

/* Reading stops at HIGH_WATER unconfirmed stanzas, between two of them:
 * the rest of a read waits in inbuf. */
static int
queue_full(void)
{
	return !run.draining && run.q != NULL &&
	    xt_outq_unconfirmed(run.q) >= HIGH_WATER;
}

static int
lines_full(void *arg)
{
	(void)arg;
	return queue_full();
}

/* --lines: every whole line in inbuf, as long as the queue has room. */
static void
consume_lines(void)
{
	xt_lines_feed(&run.lines, run.inbuf, run.inlen, &run.inpos,
	    lines_full);
}

static int
is_our_id(const char *id)
{
	return id != NULL && (strncmp(id, run.idprefix,
	    strlen(run.idprefix)) == 0 || (run.raw_ids != NULL &&
	    xt_idset_check(run.raw_ids, "", 0, id, 0)));
}

/* --raw: each stanza as it is; "to" may be left to the recipients. */
static int
raw_stanza(xmpp_stanza_t *st, void *arg)
{
	const char *name = xmpp_stanza_get_name(st);
	const char *type = xmpp_stanza_get_type(st);
	xmpp_stanza_t *copy;
	char **grown;
	unsigned long line;
	int i;

	(void)arg;
	if (strcmp(name, "message") != 0 && strcmp(name, "presence") != 0 &&
	    strcmp(name, "iq") != 0) {
		xt_error("line %lu: <%s> is not a stanza (message, presence "
		    "or iq)", xt_reader_line(run.reader), name);
		run.data_error = 1;
		return 1;
	}
	if (xmpp_stanza_get_id(st) == NULL)
		xmpp_stanza_set_id(st, next_id());
	else if (!opt.dry_run)
		/* An error reply to this one must be recognised too. */
		xt_idset_check(run.raw_ids, "", 0, xmpp_stanza_get_id(st), 1);
	/* Any iq but an answer gets one, even a malformed one (no type,
	 * "GET"): the server's error reply is then what is printed. */
	if (strcmp(name, "iq") == 0 && (type == NULL ||
	    (strcmp(type, "result") != 0 && strcmp(type, "error") != 0))) {
		/* Its answer would have nowhere to go: send nothing more,
		 * confirm what was sent, exit 74. */
		if (xt_stdout_closed && !opt.dry_run) {
			xt_error("cannot write to standard output: it is "
			    "closed");
			run.stdout_lost = 1;
			return 1;
		}
		grown = realloc(run.rawiqs, (run.nrawiqs + 1) * sizeof(*grown));
		if (grown == NULL)
			xt_die(XT_SOFTWARE, "out of memory");
		run.rawiqs = grown;
		run.rawiqs[run.nrawiqs++] = strdup(xmpp_stanza_get_id(st));
	}
	line = xt_reader_line(run.reader);
	if (xmpp_stanza_get_to(st) != NULL || run.nto == 0 ||
	    strcmp(name, "iq") == 0) {
		emit(st, line);
		return 0;
	}
	for (i = 0; i < run.nto; i++) {
		copy = xmpp_stanza_copy(st);
		xmpp_stanza_set_to(copy, run.to[i]);
		if (i > 0)
			xmpp_stanza_set_id(copy, next_id());
		emit(copy, line);
		xmpp_stanza_release(copy);
	}
	return 0;
}

static void
end_of_input(void)
{
	run.eof = 1;
	if (run.s != NULL)
		xt_session_watch(run.s, -1, NULL, NULL);
}

/* --raw: slices of inbuf to the parser, so that a stanza made complete
 * by a slice is queued before the next is looked at. */
static void
consume_raw(int eof)
{
	size_t n;
	int r = 0;

	while (run.inpos < run.inlen && !queue_full() && r == 0 &&
	    !run.data_error) {
		n = run.inlen - run.inpos;
		if (n > RAW_SLICE)
			n = RAW_SLICE;
		r = xt_reader_feed(run.reader, run.inbuf + run.inpos, n, 0);
		run.inpos += n;
	}
	if (r == 0 && !run.data_error && eof && run.inpos == run.inlen) {
		r = xt_reader_feed(run.reader, NULL, 0, 1);
		if (r == 0)
			end_of_input();
	}
	if (r < 0) {
		/* What came before the bad line is still confirmed. */
		xt_error("%s", xt_reader_error(run.reader));
		run.data_error = 1;
	}
	if (r != 0 || run.data_error)
		end_of_input();
}

/* Parse what inbuf holds (as far as the queue has room); at the end of
 * input, the last line or the end of the stanzas. */
static void
consume(int eof)
{
	if (opt.raw) {
		consume_raw(eof);
		return;
	}
	consume_lines();
	if (eof && run.inpos == run.inlen) {
		xt_lines_finish(&run.lines);
		end_of_input();
	}
}

/* Read more into inbuf once it is used up: 1 at the end of input. */
static int
refill(void)
{
	ssize_t n;

	if (run.inpos < run.inlen)
		return 0;
	n = read(STDIN_FILENO, run.inbuf, sizeof(run.inbuf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n < 0) {
		xt_error("cannot read standard input: %s", xt_strerror(errno));
		run.read_error = 1;
		n = 0;
	}
	run.inpos = 0;
	run.inlen = n;
	run.bytes_read += n;
	return n == 0;
}

static void
readline_cb(char *line)
{
	if (line == NULL) {
		end_of_input();
		return;
	}
	run.lineno = ++run.lines.lineno;
	send_line(line, strlen(line));
	free(line);
}

static void
on_input(void *arg)
{
	(void)arg;
	if (run.interactive) {
		xt_term_input();
		return;
	}
	if (run.eof)
		return;
	consume(refill());
}

/* 1 if input is buffered or arrives before until. */
static int
input_within(double until)
{
	struct pollfd p = { STDIN_FILENO, POLLIN, 0 };
	double left = until - xt_now();

	return run.inpos < run.inlen || (left > 0 &&
	    poll(&p, 1, (int)(left * 1e3) + 1) > 0);
}

/* A run that failed for good hands back what it did not send: with
 * --failed the rest of standard input too, when it ends soon (a file, a
 * finished pipe). Else it says that input was left. */
static void
drain_input(void)
{
	double until = xt_now() + DRAIN_SECS;
	unsigned long long start = run.bytes_read;

	if (!run.streaming || run.interactive || run.eof || run.data_error)
		return;
	if (opt.failed != NULL) {
		run.draining = 1;
		while (!run.eof && run.bytes_read - start < DRAIN_MAX &&
		    input_within(until))
			consume(refill());
	} else if (run.lines.partlen == 0 && !run.lines.skipping &&
	    input_within(until) && refill()) {
		run.eof = 1;	/* nothing was left */
	}
	if (!run.eof)
		xt_error("standard input was left unread from line %lu on%s",
		    opt.raw ? xt_reader_line(run.reader) : run.lineno + 1,
		    opt.failed ? "" : "; with --failed FILE "
		    "it would be handed back with the unconfirmed stanzas");
}

/* ---- what comes back ---- */

/* RFC 6120 8.3: an error stanza; a failure if it is one of ours. */
static void
bounced(xmpp_stanza_t *st)
{
	const char *from = xmpp_stanza_get_from(st), *text;

	if (!is_our_id(xmpp_stanza_get_id(st)))
		return;
	text = xt_error_text(st);
	xt_error("%s to '%s' bounced: %s%s%s", xmpp_stanza_get_name(st),
	    from ? from : "?", xt_error_condition(st), text ? ": " : "",
	    text ? text : "");
	run.bounced++;
}

static int
message_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
	const char *type = xmpp_stanza_get_type(st), *rid;
	xmpp_stanza_t *r;
	size_t i;

	(void)conn;
	(void)arg;
	if (type != NULL && strcmp(type, "error") == 0) {
		bounced(st);
		return 1;
	}
	r = xmpp_stanza_get_child_by_ns(st, NS_RECEIPTS);
	if (r == NULL || strcmp(xmpp_stanza_get_name(r), "received") != 0 ||
	    (rid = xmpp_stanza_get_id(r)) == NULL)
		return 1;
	for (i = 0; i < run.nrc; i++)
		if (strcmp(run.rc[i].id, rid) == 0)
			run.rc[i].got = 1;
	return 1;
}

/* A presence of ours (--raw) came back. */
static int
presence_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
	const char *type = xmpp_stanza_get_type(st);

	(void)conn;
	(void)arg;
	if (type != NULL && strcmp(type, "error") == 0)
		bounced(st);
	return 1;
}

/* An error reply: say why the status will be 1. */
static void
iq_failed(xmpp_stanza_t *st)
{
	const char *from = xmpp_stanza_get_from(st);
	const char *text = xt_error_text(st);

	run.iq_errors++;
	xt_error("iq '%s' to '%s' failed: %s%s%s", xmpp_stanza_get_id(st),
	    from ? from : xt_session_domain(run.s), xt_error_condition(st),
	    text ? ": " : "", text ? text : "");
}

/* --raw: print the answers to our iq requests; an error to any iq of
 * ours is a failure. */
static int
iq_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
	const char *id = xmpp_stanza_get_id(st);
	const char *type = xmpp_stanza_get_type(st);
	size_t i;

	(void)conn;
	(void)arg;
	if (id == NULL || type == NULL || (strcmp(type, "result") != 0 &&
	    strcmp(type, "error") != 0))
		return 1;
	for (i = 0; i < run.nrawiqs; i++)
		if (strcmp(run.rawiqs[i], id) == 0)
			break;
	if (i == run.nrawiqs) {
		/* An answer (result or error) we sent was refused. */
		if (strcmp(type, "error") == 0 && is_our_id(id))
			iq_failed(st);
		return 1;
	}
	free(run.rawiqs[i]);
	run.rawiqs[i] = run.rawiqs[--run.nrawiqs];
	if (strcmp(type, "error") == 0) {
		/* The reply goes to stdout; say why the status will be 1. */
		iq_failed(st);
	}
	if (!run.stdout_lost && (xt_write_stanza(stdout, xt_opt.format, st) <
	    0 || fflush(stdout) != 0)) {
		/* `| head -1`: stop reading, but confirm what was sent; a
		 * full disk is said. */
		if (errno != EPIPE)
			xt_error("cannot write to standard output: %s",
			    xt_strerror(errno));
		run.stdout_lost = 1;
		end_of_input();
	}
	return 1;
}

static int
receipts_pending(void)
{
	size_t i;

	for (i = 0; i < run.nrc; i++)
		if (!run.rc[i].got)
			return 1;
	return 0;
}

/* Called by the event loop between events: 1 when all is done. */
static int
pump(void *arg)
{
	(void)arg;
	if (xt_signalled && !run.interrupted) {
		/* Stop reading and sending; confirm what was sent; hand
		 * back the rest (--failed or stderr). */
		xt_info(1, "interrupted: confirming what was sent");
		run.interrupted = 1;
		if (run.interactive && !run.eof)
			xt_term_stop();
		end_of_input();
		xt_outq_hold(run.q);
	}
	xt_outq_pump(run.q, run.eof);
	/* Back-pressure with hysteresis: memory stays bounded. */
	if (!run.paused && xt_outq_unconfirmed(run.q) >= HIGH_WATER)
		run.paused = 1;
	else if (run.paused && xt_outq_unconfirmed(run.q) < LOW_WATER)
		run.paused = 0;
	if (run.streaming && !run.eof) {
		xt_session_pause_input(run.s, run.paused);
		/* What a pause left in the buffer has no fd to wake us. */
		if (!run.paused && !run.interactive && run.inpos < run.inlen)
			consume(0);
	}
	/* Slow is not dead: only a link on which nothing moves is. */
	if (xt_outq_stalled(run.q, xt_opt.timeout_s)) {
		xt_session_fail(run.s, XT_TEMPFAIL, "no answer from '%s' "
		    "within %g s", xt_session_domain(run.s), xt_opt.timeout_s);
		return 0;
	}
	if (!run.eof || xt_outq_unsettled(run.q) > 0)
		return 0;
	/* Answers still due (receipts, iq replies) get --timeout more. */
	if ((receipts_pending() || run.nrawiqs > 0) && !xt_signalled) {
		if (run.receipt_deadline == 0) {
			/* Waiting for answers is not a stalled connection:
			 * this deadline, not the session's, ends it (within
			 * the bound of a one-shot run). */
			run.receipt_deadline = run.limit > 0 ? run.limit :
			    xt_now() + xt_opt.timeout_s;
			xt_session_set_deadline(run.s, 0);
		}
		return xt_now() >= run.receipt_deadline;
	}
	return 1;
}

/* ---- the session ---- */

static int
join_rooms(void)
{
	char why[512], joined[1024];
	int i, status;

	for (i = 0; opt.chatroom && i < run.nto; i++) {
		/* No history: a sender does not want the room's past. */
		status = xt_muc_join(run.s, run.to[i], opt.nick,
		    run.room_password, 0, joined, sizeof(joined), why,
		    sizeof(why));
		if (status == XT_NEGATIVE)
			xt_error("%s", why);
		if (status != 0)
			return status;
		free(run.nicks[i]);
		run.nicks[i] = strdup(joined);
	}
	return 0;
}

static void
leave_rooms(void)
{
	int i;

	for (i = 0; opt.chatroom && i < run.nto; i++)
		if (run.nicks[i] != NULL)
			xt_muc_leave(run.s, run.to[i], run.nicks[i]);
}

/* Connection lost or dead: worth another try? */
static int
retryable(int status)
{
	return status != 0 && xt_session_retryable(run.s);
}

static int
online(void)
{
	int status;

	if ((status = join_rooms()) != 0)
		return status;
	/* Reading input for days: only each answer is bounded now. */
	if (run.streaming)
		xt_session_set_deadline(run.s, 0);
	if (run.streaming && !run.eof)
		xt_session_watch(run.s, STDIN_FILENO, on_input, NULL);
	return 0;
}

/* --attach: upload every file (sizes checked against the service's limit
 * first, so that none goes when one cannot); then the messages: the body
 * first, then a URL a file. Nothing is queued for the recipients unless
 * every upload succeeded, or --partial. */
static int
uploads(void)
{
	struct xt_upload_service u;
	char why[4400];
	size_t i;
	int status, failed = 0;

	if ((status = xt_upload_find(run.s, opt.upload_service, &u, why,
	    sizeof(why))) != 0) {
		if (status == XT_NEGATIVE)
			xt_error("%s", why);
		return status;
	}
	for (i = 0; i < run.nfiles; i++)
		if (xt_upload_check(&u, &run.files[i], why, sizeof(why)) != 0) {
			xt_error("%s", why);
			if (!opt.partial)
				return XT_NEGATIVE;
			run.files[i].size = ULLONG_MAX;	/* not sent */
			failed = XT_NEGATIVE;
		}
	for (i = 0; i < run.nfiles; i++) {
		if (run.files[i].size == ULLONG_MAX)
			continue;
		if ((status = xt_upload_send(run.s, &u, &run.files[i],
		    run.limit, why, sizeof(why))) == 0)
			continue;
		xt_error("%s", why);
		/* A session that failed is no use for the next file. */
		if (!opt.partial || (status != XT_NEGATIVE &&
		    status != XT_UNAVAILABLE && status != XT_NOPERM &&
		    status != XT_IOERR) || xt_session_status(run.s) != 0)
			return status;
		failed = status;
	}
	run.upload_failed = failed != 0;
	if (opt.upload_only) {
		for (i = 0; i < run.nfiles; i++)
			if (run.files[i].url != NULL && printf("%s\n",
			    run.files[i].url) < 0)
				run.stdout_lost = 1;
		if (fflush(stdout) != 0)
			run.stdout_lost = 1;
		return 0;
	}
	if (run.attach_body != NULL)
		send_body(run.attach_body);
	for (i = 0; i < run.nfiles; i++)
		if (run.files[i].url != NULL)
			send_message(run.files[i].url, run.files[i].url);
	return 0;
}

static int
deliver(void)
{
	unsigned long long progress = 0;
	long attempt = 0;
	int status;

	/* One message: -w bounds the whole run, reconnects included. */
	if (!run.streaming) {
		run.limit = xt_now() + xt_opt.timeout_s;
		xt_session_set_limit(run.s, run.limit);
	}
	if ((status = xt_session_connect(run.s)) == 0 && run.nfiles > 0)
		status = uploads();
	if (status == 0 && opt.upload_only) {
		xt_session_close(run.s);
		return 0;
	}
	if (status == 0)
		status = online();
	if (status != 0)
		goto fail;
	/* Only a connection that was up and got lost is tried again; the
	 * count starts afresh once the new connection has made progress
	 * (`tail -F log | xmpp-send --lines` outlives many outages). */
	while ((status = xt_session_run(run.s, pump, NULL)) != 0) {
		if (xt_outq_confirmed(run.q) > progress)
			attempt = 0;
		do {
			if (!retryable(status) || attempt >= run.retries ||
			    xt_signalled || (run.limit > 0 &&
			    xt_now() >= run.limit))
				goto fail;
			xt_warn("%s; reconnecting (%ld of %ld)",
			    xt_session_error(run.s), attempt + 1, run.retries);
			xt_backoff(attempt++, 30, run.limit);
			xt_outq_restart(run.q);
			/* A stanza the server ended the stream over must not
			 * end the next one too. */
			if (strcmp(xt_session_stream_error(run.s),
			    "policy-violation") == 0)
				xt_outq_refuse_largest(run.q, 1024);
			if ((status = xt_session_reconnect(run.s)) == 0)
				status = online();
		} while (status != 0);
		progress = xt_outq_confirmed(run.q);
	}
	leave_rooms();
	xt_info(1, "the server has confirmed %llu stanza%s",
	    xt_outq_confirmed(run.q), xt_outq_confirmed(run.q) == 1 ? "" :
	    "s");
	xt_session_close(run.s);
	return 0;
fail:
	if (xt_session_error(run.s) != NULL)
		xt_error("%s", xt_session_error(run.s));
	/* Every attempt to get the connection back failed; a one-shot
	 * run that ran out of -w timed out. */
	if (run.limit > 0 && xt_now() >= run.limit && retryable(status))
		status = XT_TEMPFAIL;
	else if (attempt > 0 && retryable(status))
		status = XT_UNAVAILABLE;
	return status;
}

/* Stanzas never confirmed: --failed FILE, else stderr. */
static void
report_unconfirmed(void)
{
	FILE *f = stderr;
	size_t n;

	if (run.q == NULL)
		return;
	n = xt_outq_unconfirmed(run.q);
	/* Written even when empty: a stale file is never re-sent. */
	if (opt.failed != NULL && (f = fopen(opt.failed, "w")) == NULL) {
		xt_error("cannot write '%s': %s", opt.failed,
		    xt_strerror(errno));
		f = stderr;
	}
	if (n > 0) {
		xt_error("%zu stanza%s not confirmed by the server%s%s", n,
		    n == 1 ? " was" : "s were", f == stderr ? ":" :
		    "; written to ", f == stderr ? "" : opt.failed);
		xt_outq_dump(run.q, f);
	}
	if (f != stderr && fclose(f) != 0)
		xt_error("cannot write '%s': %s", opt.failed,
		    xt_strerror(errno));
}

static int
report_receipts(void)
{
	size_t i;
	int missing = 0;

	for (i = 0; i < run.nrc; i++)
		if (!run.rc[i].got) {
			xt_error("no receipt from '%s' within %g s",
			    run.rc[i].to, xt_opt.timeout_s);
			missing++;
		}
	for (i = 0; i < run.nrawiqs; i++)
		xt_error("no reply to iq '%s' within %g s", run.rawiqs[i],
		    xt_opt.timeout_s);
	return missing || run.nrawiqs > 0;
}

/* ---- start and end ---- */

/* --recipients: a JID a line, '#' comments; at most XT_FILE_MAX bytes,
 * read within -w (a FIFO may name it). */
static void
add_recipients_file(void)
{
	char what[4200], *buf, *line, *next, *p;
	unsigned long nul;
	const char **grown;
	size_t len;

	if (opt.recipients == NULL)
		return;
	snprintf(what, sizeof(what), "--recipients '%s'", opt.recipients);
	buf = xt_file_slurp(opt.recipients, XT_FILE_MAX,
	    xt_now() + xt_opt.timeout_s, what, &len, NULL);
	if ((nul = xt_file_nul_line(buf, len)) > 0)
		xt_die(XT_CONFIG, "%s: line %lu: a NUL byte: this is not a "
		    "list of JIDs", what, nul);
	for (line = buf; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		p = line + strspn(line, " \t");
		p[strcspn(p, " \t\r")] = '\0';
		if (*p == '\0' || *p == '#')
			continue;
		if ((grown = realloc(run.to, (run.nto + 2) * sizeof(*grown))) ==
		    NULL)
			xt_die(XT_SOFTWARE, "out of memory");
		run.to = grown;
		if ((run.to[run.nto++] = strdup(p)) == NULL)
			xt_die(XT_SOFTWARE, "out of memory");
		run.to[run.nto] = NULL;
	}
	free(buf);
}

static void
check_args(poptContext pc)
{
	const char **args = poptGetArgs(pc), *why;
	int i;

	for (i = 0; args != NULL && args[i] != NULL; i++)
		;
	if ((run.to = calloc(i + 1, sizeof(*run.to))) == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	for (run.nto = 0; run.nto < i; run.nto++)
		run.to[run.nto] = args[run.nto];
	add_recipients_file();
	if (opt.upload_only && opt.attach == NULL)
		xt_die(XT_USAGE, "--upload-only uploads the files of --attach");
	if (opt.upload_only && run.nto > 0)
		xt_die(XT_USAGE, "--upload-only sends no message: no recipient");
	if (opt.attach != NULL && (opt.raw || opt.lines || opt.dry_run))
		xt_die(XT_USAGE, "--attach sends files: not with --raw, --lines "
		    "or --dry-run");
	if ((opt.upload_service || opt.content_type || opt.partial) &&
	    opt.attach == NULL)
		xt_die(XT_USAGE, "--upload-service, --content-type and --partial "
		    "go with --attach");
	if (run.nto == 0 && !opt.raw && !opt.upload_only)
		xt_die(XT_USAGE, "no recipient; try '%s --help'", xt_progname);
	for (i = 0; i < run.nto; i++) {
		if (!xt_jid_valid(run.to[i], &why))
			xt_die(XT_USAGE, "invalid recipient '%s': %s", run.to[i],
			    why);
		/* Shortened in place: argv's strings and the file's copies
		 * are writable. */
		xt_jid_strip_dot((char *)run.to[i]);
	}
	if (opt.raw + opt.lines + (opt.message != NULL) > 1)
		xt_die(XT_USAGE, "--raw, --lines and --message cannot be used "
		    "together");
	if (opt.raw && (opt.chatroom || opt.receipt))
		xt_die(XT_USAGE, "--raw sends stanzas as they are: no "
		    "--chatroom or --receipt");
	if (opt.type == NULL)
		opt.type = opt.chatroom ? "groupchat" : "chat";
	if (strcmp(opt.type, "chat") != 0 && strcmp(opt.type, "normal") != 0 &&
	    strcmp(opt.type, "headline") != 0 &&
	    strcmp(opt.type, "groupchat") != 0)
		xt_die(XT_USAGE, "invalid --type '%s': expected chat, normal, "
		    "headline or groupchat", opt.type);
	if (opt.chatroom && strcmp(opt.type, "groupchat") != 0)
		xt_die(XT_USAGE, "--chatroom sends type groupchat");
	run.rate = opt.rate ? xt_parse_number("--rate", opt.rate, 0.001,
	    1e6) : 0;
	run.retries = opt.retries ? (long)xt_parse_number("--retries",
	    opt.retries, 0, 1000) : 3;
	run.max_stanza = opt.max_stanza ? (size_t)xt_parse_number(
	    "--max-stanza-size", opt.max_stanza, 512, 1 << 30) : 0;
}

/* Fields whose text comes from the user: cleaned once, up front. */
static void
clean_options(void)
{
	char *orig;

	if ((orig = opt.subject) != NULL) {
		opt.subject = clean("subject", orig, strlen(orig));
		free(orig);
	}
	if ((orig = opt.thread) != NULL) {
		opt.thread = clean("thread", orig, strlen(orig));
		free(orig);
	}
}

/* --attach: every file checked before connecting (66: nothing sent);
 * standard input (-) is copied once the password was read (stdin_pass),
 * since --password-fd 0 shares it. */
static void
open_files(int stdin_pass)
{
	char why[4400];
	size_t i, n, stdin_files = 0;
	int status;

	for (n = 0; opt.attach != NULL && opt.attach[n] != NULL; n++)
		if (strcmp(opt.attach[n], "-") == 0)
			stdin_files++;
	if (stdin_files > 1)
		xt_die(XT_USAGE, "--attach - reads standard input: once");
	if (n == 0)
		return;
	if (run.files == NULL) {
		if ((run.files = calloc(n, sizeof(*run.files))) == NULL)
			xt_die(XT_SOFTWARE, "out of memory");
		for (i = 0; i < n; i++)
			run.files[i].fd = -1;
	}
	for (i = 0; i < n; i++) {
		if ((strcmp(opt.attach[i], "-") == 0) != stdin_pass)
			continue;
		if ((status = xt_upload_open(&run.files[i], opt.attach[i], why,
		    sizeof(why))) != 0)
			xt_die(status, "%s", why);
		run.files[i].type = opt.content_type ? opt.content_type :
		    xt_content_type(run.files[i].name);
	}
	run.nfiles = n;
	run.stdin_file = stdin_files > 0;
	/* The URLs are the output. */
	if (opt.upload_only)
		xt_need_stdout();
}

static void
setup(void)
{
	unsigned char rnd[4];
	char what[4200], *jid, *at;

	RAND_bytes(rnd, sizeof(rnd));
	snprintf(run.idprefix, sizeof(run.idprefix), "xs%02x%02x%02x%02x",
	    rnd[0], rnd[1], rnd[2], rnd[3]);
	if (opt.chatroom && opt.nick == NULL) {
		jid = strdup(xt_opt.jid);
		if ((at = strchr(jid, '@')) != NULL)
			*at = '\0';
		opt.nick = jid;
	}
	if (opt.room_password_file != NULL) {
		snprintf(what, sizeof(what), "--room-password-file '%s'",
		    opt.room_password_file);
		run.room_password = xt_account_secret_file(
		    opt.room_password_file, what);
		if (*run.room_password == '\0')
			xt_die(XT_CONFIG, "%s is empty", what);
	}
	if (opt.chatroom)
		run.nicks = calloc(run.nto, sizeof(*run.nicks));
	run.lines.max = MAX_MESSAGE;
	run.lines.line = on_line;
	run.lines.too_long = on_too_long;
	open_files(0);
	run.interactive = !opt.raw && opt.message == NULL && !opt.attach &&
	    isatty(STDIN_FILENO);
	run.streaming = opt.lines || opt.raw || run.interactive;
}

/* Default mode: the whole of standard input (or --message) is one body;
 * an empty one sends nothing (`cmd | xmpp-send` from cron). */
static int
whole_body(void)
{
	char buf[65536], *raw = NULL, *body;
	size_t len = 0, cap = 0;
	ssize_t n;

	if (opt.message != NULL) {
		raw = strdup(opt.message);
		len = strlen(raw);
	} else {
		while ((n = read(STDIN_FILENO, buf, sizeof(buf))) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				xt_die(XT_IOERR, "cannot read standard input: "
				    "%s", xt_strerror(errno));
			if (len + n > MAX_MESSAGE)
				xt_die(XT_NEGATIVE, "standard input is larger "
				    "than %d MiB, the limit of a message: "
				    "nothing sent (--lines sends a line at a "
				    "time)", MAX_MESSAGE >> 20);
			grow(&raw, &cap, len + n + 1);
			memcpy(raw + len, buf, n);
			len += n;
		}
	}
	while (len > 0 && (raw[len - 1] == '\n' || raw[len - 1] == '\r'))
		len--;
	if (len == 0) {
		xt_info(1, "empty message: nothing to send");
		free(raw);
		return 0;
	}
	body = clean("message", raw, len);
	free(raw);
	run.eof = 1;
	/* With files: sent before them, once they are uploaded. */
	if (run.nfiles > 0) {
		run.attach_body = body;
		return 1;
	}
	send_body(body);
	free(body);
	return 1;
}

/* --dry-run: the stanzas, and no connection. */
static int
dry_run(void)
{
	run.ctx = xmpp_ctx_new(NULL, NULL);
	run.reader = xt_reader_new(run.ctx, raw_stanza, NULL);
	if (!opt.lines && !opt.raw)
		whole_body();
	else
		while (!run.eof)
			consume(refill());
	xt_reader_free(run.reader);
	xmpp_ctx_free(run.ctx);
	xt_close_stdout();
	if (run.data_error)
		return XT_DATAERR;
	return run.refused ? XT_NEGATIVE : 0;
}

static int
status_of(int status)
{
	if (status != 0)
		return status;
	if (run.data_error)
		return XT_DATAERR;
	if (run.stdout_lost || run.read_error)
		return XT_IOERR;
	/* Interrupted with stanzas never sent: they were handed back. */
	if (run.interrupted && run.q != NULL && xt_outq_unconfirmed(run.q) > 0)
		return XT_NEGATIVE;
	if (run.bounced || run.iq_errors || run.refused || report_receipts() ||
	    run.upload_failed)
		return XT_NEGATIVE;
	return 0;
}

int
main(int argc, const char **argv)
{
	poptContext pc;
	int status = 0;
	size_t i;

	xt_init(argv[0]);
	pc = xt_parse_args(argc, argv, table, "JID...");
	/* --dry-run connects to nothing: no account needed. */
	if (opt.dry_run && xt_opt.jid == NULL && getenv("XMPP_JID") == NULL)
		xt_opt.jid = strdup("dry-run@localhost");
	xt_opts_finish(XT_FMT_XML);
	check_args(pc);
	clean_options();
	setup();
	if (opt.dry_run) {
		status = dry_run();
		poptFreeContext(pc);
		return status;
	}
	/* The password first: --password-fd 0 shares standard input; then
	 * the files (--attach - takes the rest of it), before connecting. */
	xt_account_password(&xt_opt);
	open_files(1);
	run.s = xt_session_new();
	run.ctx = xt_session_ctx(run.s);
	run.q = xt_outq_new(run.s);
	xt_outq_set_rate(run.q, run.rate);
	xt_outq_set_max(run.q, run.max_stanza ? run.max_stanza : MAX_STANZA,
	    run.max_stanza != 0);
	xt_outq_on_refuse(run.q, refused, NULL);
	run.reader = xt_reader_new(run.ctx, raw_stanza, NULL);
	run.raw_ids = xt_idset_new();
	xmpp_handler_add(xt_session_conn(run.s), message_cb, NULL, "message",
	    NULL, NULL);
	xmpp_handler_add(xt_session_conn(run.s), presence_cb, NULL,
	    "presence", NULL, NULL);
	xmpp_handler_add(xt_session_conn(run.s), iq_cb, NULL, "iq", NULL, NULL);
	if (run.interactive)
		xt_term_start("> ", readline_cb);
	if (run.nfiles > 0) {
		/* A body from --message, or from standard input when it is
		 * neither the file nor a terminal. */
		if (!opt.upload_only && (opt.message != NULL ||
		    (!run.stdin_file && !isatty(STDIN_FILENO))))
			whole_body();
		run.eof = 1;
		status = deliver();
	} else if (run.streaming || whole_body()) {
		if (run.streaming)
			xt_catch_stop_signals();
		status = deliver();
		if (status != 0)
			drain_input();
	}
	xt_account_forget(&xt_opt);
	status = status_of(status);
	report_unconfirmed();
	for (i = 0; i < run.nfiles; i++)
		xt_upload_close(&run.files[i]);
	free(run.files);
	free(run.attach_body);
	xt_reader_free(run.reader);
	xt_lines_free(&run.lines);
	xt_idset_free(run.raw_ids);
	xt_outq_free(run.q);
	xt_session_free(run.s);
	poptFreeContext(pc);
	return status;
}
