/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xmpp-send: send a message and exit 0 only once the server has it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xt.h"

static struct {
	char *message;
	char *type;
	char *subject;
} opt;

static struct poptOption table[] = {
	{ "message", 'm', POPT_ARG_STRING, &opt.message, 0,
	    "send TEXT instead of reading standard input", "TEXT" },
	{ "subject", 's', POPT_ARG_STRING, &opt.subject, 0,
	    "message subject", "TEXT" },
	{ "type", 't', POPT_ARG_STRING, &opt.type, 0,
	    "message type (default chat)", "chat|normal|headline" },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, xt_conn_table, 0,
	    "Connection options:", NULL },
	POPT_AUTOHELP
	POPT_TABLEEND
};

struct run {
	const char **to;
	int nto;
	char **ids;		/* of the messages we sent */
	int bounced;
};

/* Read all of standard input. */
static char *
read_all(size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	ssize_t r;

	if (buf == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	for (;;) {
		if (n + 1 >= cap && (buf = realloc(buf, cap *= 2)) == NULL)
			xt_die(XT_SOFTWARE, "out of memory");
		r = read(STDIN_FILENO, buf + n, cap - n - 1);
		if (r == 0)
			break;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			xt_die(XT_IOERR, "cannot read standard input: %s",
			    xt_strerror(errno));
		n += r;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Replace what XML cannot carry, with a warning naming what. */
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

/* The body, with trailing newlines dropped (the shell's `echo` adds one
 * nobody wants in a chat window). */
static char *
body_text(void)
{
	size_t len;
	char *raw, *body;

	if (opt.message != NULL) {
		raw = strdup(opt.message);
		len = strlen(raw);
	} else {
		raw = read_all(&len);
	}
	while (len > 0 && (raw[len - 1] == '\n' || raw[len - 1] == '\r'))
		len--;
	body = clean("message", raw, len);
	free(raw);
	return body;
}

static void
add_text_child(xmpp_ctx_t *ctx, xmpp_stanza_t *parent, const char *name,
    const char *text)
{
	xmpp_stanza_t *c = xmpp_stanza_new(ctx), *t = xmpp_stanza_new(ctx);

	xmpp_stanza_set_name(c, name);
	xmpp_stanza_set_text(t, text);
	xmpp_stanza_add_child(c, t);
	xmpp_stanza_add_child(parent, c);
	xmpp_stanza_release(t);
	xmpp_stanza_release(c);
}

static xmpp_stanza_t *
make_message(struct xt_session *s, const char *to, const char *body)
{
	xmpp_ctx_t *ctx = xt_session_ctx(s);
	xmpp_stanza_t *m, *oid;
	const char *id = xt_session_id(s);

	m = xmpp_message_new(ctx, opt.type, to, id);
	if (opt.subject != NULL)
		add_text_child(ctx, m, "subject", opt.subject);
	add_text_child(ctx, m, "body", body);
	/* XEP-0359: lets a receiver drop a duplicate after a re-send. */
	oid = xmpp_stanza_new(ctx);
	xmpp_stanza_set_name(oid, "origin-id");
	xmpp_stanza_set_ns(oid, "urn:xmpp:sid:0");
	xmpp_stanza_set_id(oid, id);
	xmpp_stanza_add_child(m, oid);
	xmpp_stanza_release(oid);
	return m;
}

/* RFC 6120 8.3: a message we sent came back as an error. */
static int
bounce_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
	struct run *r = arg;
	const char *from = xmpp_stanza_get_from(st), *text;
	const char *id = xmpp_stanza_get_id(st);
	int i;

	(void)conn;
	for (i = 0; i < r->nto && id != NULL; i++)
		if (strcmp(r->ids[i], id) == 0)
			break;
	if (id == NULL || i == r->nto)
		return 1;	/* not one of ours */
	text = xt_error_text(st);
	xt_error("message to '%s' bounced: %s%s%s", from ? from : "?",
	    xt_error_condition(st), text ? ": " : "", text ? text : "");
	r->bounced++;
	return 1;
}

static void
check_args(const char **to, int nto)
{
	const char *why;
	int i;

	if (nto == 0)
		xt_die(XT_USAGE, "no recipient; try '%s --help'", xt_progname);
	for (i = 0; i < nto; i++)
		if (!xt_jid_valid(to[i], &why))
			xt_die(XT_USAGE, "invalid recipient '%s': %s", to[i],
			    why);
	if (opt.type == NULL)
		opt.type = "chat";
	if (strcmp(opt.type, "chat") != 0 && strcmp(opt.type, "normal") != 0 &&
	    strcmp(opt.type, "headline") != 0)
		xt_die(XT_USAGE, "invalid --type '%s': expected chat, normal "
		    "or headline", opt.type);
}

static int
send_all(struct run *r, const char *body)
{
	struct xt_session *s = xt_session_new();
	xmpp_stanza_t *m;
	int i, status;

	if ((status = xt_session_connect(s)) != 0)
		goto out;
	xmpp_handler_add(xt_session_conn(s), bounce_cb, NULL, "message",
	    "error", r);
	if ((r->ids = calloc(r->nto, sizeof(*r->ids))) == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	for (i = 0; i < r->nto; i++) {
		m = make_message(s, r->to[i], body);
		r->ids[i] = strdup(xmpp_stanza_get_id(m));
		xt_session_send(s, m);
		xmpp_stanza_release(m);
	}
	if ((status = xt_barrier(s)) != 0)
		goto out;
	xt_info(1, "the server has processed %d message%s", r->nto,
	    r->nto == 1 ? "" : "s");
	xt_session_close(s);
out:
	if (status != 0)
		xt_error("%s", xt_session_error(s));
	xt_session_free(s);
	for (i = 0; r->ids != NULL && i < r->nto; i++)
		free(r->ids[i]);
	free(r->ids);
	if (status == 0 && r->bounced > 0)
		status = XT_NEGATIVE;
	return status;
}

int
main(int argc, const char **argv)
{
	poptContext pc;
	struct run r = { 0 };
	char *body, *subject;
	int status;

	xt_init(argv[0]);
	pc = xt_parse_args(argc, argv, table, "JID...");
	xt_opts_finish(XT_FMT_XML);
	r.to = poptGetArgs(pc);
	for (r.nto = 0; r.to != NULL && r.to[r.nto] != NULL; r.nto++)
		;
	check_args(r.to, r.nto);
	if ((subject = opt.subject) != NULL) {
		opt.subject = clean("subject", subject, strlen(subject));
		free(subject);
	}
	/* The password first: --password-fd 0 shares standard input. */
	xt_account_password(&xt_opt);
	body = body_text();
	if (*body == '\0') {
		/* `cmd | xmpp-send` from cron: no output, no message. */
		xt_info(1, "empty message: nothing to send");
		status = 0;
	} else {
		status = send_all(&r, body);
	}
	free(opt.subject);
	xt_account_forget(&xt_opt);
	free(body);
	poptFreeContext(pc);
	return status;
}
