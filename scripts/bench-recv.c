/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-recv: a receiver for benchmarks. Logs in with the connection
 * options of the tools, says "ready" on stdout once online, counts the
 * messages whose bodies are the numbers 1..N, and prints
 * "received COUNT distinct DISTINCT inorder 0|1 first T last T" (T in
 * monotonic seconds) when all N arrived or --idle seconds pass quietly. */
#include <stdlib.h>
#include <string.h>

#include "xt.h"

static struct {
	char *count, *idle;
} opt;

static struct poptOption table[] = {
	{ "count", 'c', POPT_ARG_STRING, &opt.count, 0, "messages to wait for",
	    "N" },
	{ "idle", '\0', POPT_ARG_STRING, &opt.idle, 0,
	    "give up after S seconds without a message", "S" },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, xt_conn_table, 0,
	    "Connection options:", NULL },
	POPT_AUTOHELP
	POPT_TABLEEND
};

static struct {
	long n, received, distinct, last_seen;
	int inorder;
	unsigned char *seen;
	double first, last, idle;
} st = { .inorder = 1 };

static int
message_cb(xmpp_conn_t *conn, xmpp_stanza_t *m, void *arg)
{
	xmpp_stanza_t *b = xmpp_stanza_get_child_by_name(m, "body");
	char *text = b ? xmpp_stanza_get_text(b) : NULL;
	long v;

	(void)conn;
	if (text == NULL)
		return 1;
	v = strtol(text, NULL, 10);
	xmpp_free(xt_session_ctx(arg), text);
	st.last = xt_now();
	if (st.received++ == 0)
		st.first = st.last;
	if (v >= 1 && v <= st.n && !st.seen[v]) {
		st.seen[v] = 1;
		st.distinct++;
	}
	if (v != st.last_seen + 1)
		st.inorder = 0;
	st.last_seen = v;
	return 1;
}

static int
done(void *arg)
{
	(void)arg;
	return st.distinct >= st.n || (st.received > 0 &&
	    xt_now() - st.last > st.idle);
}

int
main(int argc, const char **argv)
{
	struct xt_session *s;
	xmpp_stanza_t *p;
	poptContext pc;
	int status;

	xt_init(argv[0]);
	pc = xt_parse_args(argc, argv, table, NULL);
	xt_opts_finish(XT_FMT_TEXT);
	st.n = opt.count ? (long)xt_parse_number("--count", opt.count, 1,
	    1e8) : 10000;
	st.idle = opt.idle ? xt_parse_number("--idle", opt.idle, 0.1, 3600) :
	    10;
	st.seen = calloc(st.n + 1, 1);
	xt_account_password(&xt_opt);
	s = xt_session_new();
	if ((status = xt_session_connect(s)) != 0)
		xt_die(status, "%s", xt_session_error(s));
	xmpp_handler_add(xt_session_conn(s), message_cb, NULL, "message", NULL,
	    s);
	p = xmpp_presence_new(xt_session_ctx(s));
	xt_session_send(s, p);
	xmpp_stanza_release(p);
	if ((status = xt_barrier(s)) != 0)
		xt_die(status, "%s", xt_session_error(s));
	xt_session_set_deadline(s, 0);
	printf("ready\n");
	fflush(stdout);
	status = xt_session_run(s, done, NULL);
	printf("received %ld distinct %ld inorder %d first %.6f last %.6f\n",
	    st.received, st.distinct, st.inorder, st.first, st.last);
	xt_session_close(s);
	xt_session_free(s);
	free(st.seen);
	poptFreeContext(pc);
	return status;
}
