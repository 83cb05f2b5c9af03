/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xmpp-listen: stay online and write every stanza received to stdout. */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <regex.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "xt.h"

#define NS_RECEIPTS "urn:xmpp:receipts"
#define NS_CARBONS "urn:xmpp:carbons:2"
#define NS_SID "urn:xmpp:sid:0"

static struct {
	char *priority, *status, *show, *count, *match, *exec, *nick;
	char *history, *since, *last, *keepalive, *retries;
	char **types, **from, **rooms;
	int no_presence, carbons, receipts;
} opt;

static struct poptOption table[] = {
	{ "type", 'T', POPT_ARG_ARGV, &opt.types, 0,
	    "only stanzas of this kind or type (repeatable): message, "
	    "presence, iq, chat, groupchat, normal, headline, error, ...",
	    "TYPE" },
	{ "from", 'f', POPT_ARG_ARGV, &opt.from, 0,
	    "only stanzas from JID, bare or full (repeatable)", "JID" },
	{ "match", 'e', POPT_ARG_STRING, &opt.match, 0,
	    "only messages whose body matches REGEX (extended)", "REGEX" },
	{ "count", 'c', POPT_ARG_STRING, &opt.count, 0,
	    "exit 0 after N matching stanzas", "N" },
	{ "exec", 'x', POPT_ARG_STRING, &opt.exec, 0,
	    "run CMD for each matching stanza (stanza on its stdin)", "CMD" },
	{ "chatroom", 'r', POPT_ARG_ARGV, &opt.rooms, 0,
	    "also join ROOM and print its messages (repeatable)", "ROOM" },
	{ "nick", 'n', POPT_ARG_STRING, &opt.nick, 0,
	    "nickname in rooms (default: the JID's local part)", "NICK" },
	{ "history", '\0', POPT_ARG_STRING, &opt.history, 0,
	    "ask rooms for their last N messages (default 0)", "N" },
	{ "carbons", '\0', POPT_ARG_NONE, &opt.carbons, 0,
	    "also show messages of the account's other clients (XEP-0280)",
	    NULL },
	{ "since", '\0', POPT_ARG_STRING, &opt.since, 0,
	    "first print archived messages since TIME (ISO 8601, or 30m, 2h, "
	    "7d ago)", "TIME" },
	{ "last", '\0', POPT_ARG_STRING, &opt.last, 0,
	    "first print the last N archived messages", "N" },
	{ "priority", 'p', POPT_ARG_STRING, &opt.priority, 0,
	    "presence priority (default 0)", "N" },
	{ "status", '\0', POPT_ARG_STRING, &opt.status, 0,
	    "presence status text", "TEXT" },
	{ "show", '\0', POPT_ARG_STRING, &opt.show, 0,
	    "presence show", "away|chat|dnd|xa" },
	{ "no-presence", '\0', POPT_ARG_NONE, &opt.no_presence, 0,
	    "send no presence: invisible to the roster", NULL },
	{ "receipts", '\0', POPT_ARG_NONE, &opt.receipts, 0,
	    "answer delivery receipt requests (XEP-0184)", NULL },
	{ "keepalive", '\0', POPT_ARG_STRING, &opt.keepalive, 0,
	    "ping the server every S seconds (default 60)", "S" },
	{ "retries", '\0', POPT_ARG_STRING, &opt.retries, 0,
	    "give up after N failed reconnects (default: never)", "N" },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, xt_conn_table, 0,
	    "Connection options:", NULL },
	POPT_AUTOHELP
	POPT_TABLEEND
};

/* Checked values and the state of the run. */
static struct {
	long count, matched, retries, history, last;
	int priority;
	double keepalive, deadline, since;
	regex_t re;
	struct xt_session *s;
	xmpp_ctx_t *ctx;
	char bare[3072];
	char **nicks;
	int stdout_gone, done, write_error;
	/* --since/--last: the archive first, live stanzas held meanwhile */
	int mam_active;
	/* archive ids (stanza-id) printed: the newest few thousand are what
	 * live stanzas can repeat, and a set keeps each check O(1) */
	struct xt_idset *seen;
	xmpp_stanza_t **held;
	size_t nheld;
	/* --exec: one child at a time, in order */
	pid_t child;
	char **pending;		/* serialised stanzas waiting for a turn */
	char ***pending_env;
	size_t npending;
} L = { .priority = 0, .keepalive = 60, .retries = -1 };

/* ---- options ---- */

static void
check_options(void)
{
	static const char *const shows[] = { "away", "chat", "dnd", "xa" };
	char err[256], **f;
	size_t i;
	int r;

	for (f = opt.from; f != NULL && *f != NULL; f++)
		xt_jid_strip_dot(*f);

	if (opt.count)
		L.count = xt_parse_number("--count", opt.count, 1, 1e12);
	if (opt.priority)
		L.priority = xt_parse_number("--priority", opt.priority, -128,
		    127);
	if (opt.history)
		L.history = xt_parse_number("--history", opt.history, 0, 1e6);
	if (opt.last)
		L.last = xt_parse_number("--last", opt.last, 1, 1e6);
	if (opt.keepalive)
		L.keepalive = xt_parse_number("--keepalive", opt.keepalive, 1,
		    86400);
	if (opt.retries)
		L.retries = xt_parse_number("--retries", opt.retries, 0, 1e9);
	if (opt.since)
		L.since = xt_parse_since("--since", opt.since);
	if (opt.since && opt.last)
		xt_die(XT_USAGE, "--since and --last cannot be used together");
	for (i = 0; opt.show && i < sizeof(shows) / sizeof(shows[0]); i++)
		if (strcmp(opt.show, shows[i]) == 0)
			break;
	if (opt.show && i == sizeof(shows) / sizeof(shows[0]))
		xt_die(XT_USAGE, "invalid --show '%s': expected away, chat, "
		    "dnd or xa", opt.show);
	if (opt.match && (r = regcomp(&L.re, opt.match, REG_EXTENDED |
	    REG_NOSUB)) != 0) {
		regerror(r, &L.re, err, sizeof(err));
		xt_die(XT_USAGE, "invalid --match '%s': %s", opt.match, err);
	}
}

/* ---- filters ---- */

static int
type_wanted(xmpp_stanza_t *st)
{
	const char *kind = xmpp_stanza_get_name(st);
	const char *type = xmpp_stanza_get_type(st);
	char **t;

	if (opt.types == NULL)
		return 1;
	if (type == NULL)
		type = strcmp(kind, "message") == 0 ? "normal" :
		    strcmp(kind, "presence") == 0 ? "available" : "";
	for (t = opt.types; *t != NULL; t++)
		if (strcmp(*t, kind) == 0 || strcmp(*t, type) == 0)
			return 1;
	return 0;
}

static int
from_wanted(const char *from)
{
	const char *fs, *rs;
	size_t fb, rb;
	char **f;

	if (opt.from == NULL)
		return 1;
	if (from == NULL)
		return 0;
	rs = strchr(from, '/');
	rb = rs ? (size_t)(rs - from) : strlen(from);
	for (f = opt.from; *f != NULL; f++) {
		/* Local and domain parts compare without case (RFC 7622, for
		 * ASCII), the resource exactly; a bare JID matches all its
		 * resources. */
		fs = strchr(*f, '/');
		fb = fs ? (size_t)(fs - *f) : strlen(*f);
		if (fb != rb || strncasecmp(from, *f, fb) != 0)
			continue;
		if (fs == NULL || (rs != NULL && strcmp(rs, fs) == 0))
			return 1;
	}
	return 0;
}

static char *
body_of(xmpp_stanza_t *st)
{
	xmpp_stanza_t *b = xmpp_stanza_get_child_by_name(st, "body");

	return b ? xmpp_stanza_get_text(b) : NULL;
}

static int
wanted(xmpp_stanza_t *st)
{
	char *body;
	int ok;

	if (!type_wanted(st) || !from_wanted(xmpp_stanza_get_from(st)))
		return 0;
	if (opt.match == NULL)
		return 1;
	if ((body = body_of(st)) == NULL)
		return 0;
	ok = regexec(&L.re, body, 0, NULL, 0) == 0;
	xmpp_free(L.ctx, body);
	return ok;
}

/* ---- --exec ---- */

static void
spawn(char *line, char **env)
{
	static const char *const names[] = { "XMPP_KIND", "XMPP_FROM",
	    "XMPP_TYPE", "XMPP_ID", "XMPP_BODY" };
	int fd, i;
	pid_t pid;

	/* The stanza waits in memory, so a child that does not read its
	 * input cannot block us. */
	if ((fd = memfd_create("xmpp-listen", 0)) < 0 ||
	    write(fd, line, strlen(line)) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		xt_error("cannot pass a stanza to --exec: %s",
		    xt_strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	if ((pid = fork()) == 0) {
		dup2(fd, STDIN_FILENO);
		close(fd);
		/* Remote data only ever goes into the environment and stdin,
		 * never into the command line the shell parses. */
		for (i = 0; i < 5; i++)
			if (env[i] != NULL)
				setenv(names[i], env[i], 1);
			else
				unsetenv(names[i]);
		execl("/bin/sh", "sh", "-c", opt.exec, (char *)NULL);
		_exit(127);
	}
	close(fd);
	if (pid < 0)
		xt_error("cannot run --exec: %s", xt_strerror(errno));
	L.child = pid > 0 ? pid : 0;
}

static void
free_env(char **env)
{
	int i;

	for (i = 0; i < 5; i++)
		free(env[i]);
	free(env);
}

static void
run_children(void)
{
	int status;

	if (L.child > 0 && waitpid(L.child, &status, WNOHANG) == L.child) {
		if (WIFEXITED(status))
			xt_info(1, "--exec exited with status %d",
			    WEXITSTATUS(status));
		else
			xt_info(1, "--exec was killed by signal %d",
			    WTERMSIG(status));
		L.child = 0;
	}
	if (L.child == 0 && L.npending > 0) {
		spawn(L.pending[0], L.pending_env[0]);
		free(L.pending[0]);
		free_env(L.pending_env[0]);
		L.npending--;
		memmove(L.pending, L.pending + 1, L.npending *
		    sizeof(*L.pending));
		memmove(L.pending_env, L.pending_env + 1, L.npending *
		    sizeof(*L.pending_env));
	}
}

static char *
dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void
queue_exec(xmpp_stanza_t *st)
{
	char **env = calloc(5, sizeof(*env)), *line;

	line = xt_stanza_xml_line(st);
	if (env == NULL || line == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	env[0] = dup_or_null(xmpp_stanza_get_name(st));
	env[1] = dup_or_null(xmpp_stanza_get_from(st));
	env[2] = dup_or_null(xmpp_stanza_get_type(st));
	env[3] = dup_or_null(xmpp_stanza_get_id(st));
	if ((env[4] = body_of(st)) != NULL) {
		char *copy = strdup(env[4]);

		xmpp_free(L.ctx, env[4]);
		env[4] = copy;
	}
	L.pending = realloc(L.pending, (L.npending + 1) * sizeof(*L.pending));
	L.pending_env = realloc(L.pending_env, (L.npending + 1) *
	    sizeof(*L.pending_env));
	if (L.pending == NULL || L.pending_env == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	if (asprintf(&L.pending[L.npending], "%s\n", line) < 0)
		xt_die(XT_SOFTWARE, "out of memory");
	free(line);
	L.pending_env[L.npending++] = env;
	run_children();
}

/* ---- output ---- */

/* When a stanza was sent: its XEP-0203 delay, else now (UTC). */
static void
stamp(xmpp_stanza_t *st, char *buf, size_t len)
{
	xmpp_stanza_t *d = xmpp_stanza_get_child_by_ns(st, "urn:xmpp:delay");
	const char *v = d ? xmpp_stanza_get_attribute(d, "stamp") : NULL;
	time_t t;

	/* Printed in one form, never as sent: it comes from others (a tab
	 * or newline in it would forge a record). Not a date: arrival. */
	if (xt_datetime_parse(v, &t) != 0)
		t = time(NULL);
	xt_datetime_format(t, buf, len);
}

static void
emit(xmpp_stanza_t *st)
{
	char ts[64];

	if (L.done || !wanted(st))
		return;
	L.matched++;
	if (opt.exec != NULL) {
		queue_exec(st);
	} else {
		/* stdout may be the terminal the progress line is on. */
		xt_progress_clear();
		if (xt_opt.format == XT_FMT_TEXT) {
			stamp(st, ts, sizeof(ts));
			fputs(ts, stdout);
			fputc('\t', stdout);
		}
		if (xt_write_stanza(stdout, xt_opt.format, st) < 0 ||
		    fflush(stdout) != 0) {
			/* `| head -1` has all it wanted: a quiet end; a full
			 * disk is an error (74). */
			if (errno != EPIPE)
				L.write_error = errno;
			L.stdout_gone = 1;
			L.done = 1;
			return;
		}
	}
	if (L.count > 0 && L.matched >= L.count)
		L.done = 1;
}

static int
from_own_account(xmpp_stanza_t *st)
{
	const char *from = xmpp_stanza_get_from(st);

	return from == NULL || strcmp(from, L.bare) == 0;
}

static int
seen_before(xmpp_stanza_t *st)
{
	const char *id = xt_stanza_id_by(st, L.bare);

	return id != NULL && L.seen != NULL &&
	    xt_idset_check(L.seen, "", 0, id, 0);
}

static void
remember(const char *id)
{
	if (id == NULL)
		return;
	if (L.seen == NULL)
		L.seen = xt_idset_new();
	xt_idset_check(L.seen, "", 0, id, 1);
}

/* XEP-0359 origin-id: a sender that re-sends after losing its
 * connection (xmpp-send does) repeats it; print such a message once. */
static int
repeated(xmpp_stanza_t *st)
{
	static struct xt_idset *recent;
	const char *from = xmpp_stanza_get_from(st), *id = NULL;
	xmpp_stanza_t *c;

	for (c = xmpp_stanza_get_children(st); c; c = xmpp_stanza_get_next(c))
		if (xmpp_stanza_is_tag(c) &&
		    strcmp(xmpp_stanza_get_name(c), "origin-id") == 0 &&
		    xmpp_stanza_get_ns(c) != NULL &&
		    strcmp(xmpp_stanza_get_ns(c), NS_SID) == 0)
			id = xmpp_stanza_get_id(c);
	if (id == NULL || from == NULL)
		return 0;
	if (recent == NULL)
		recent = xt_idset_new();
	return xt_idset_check(recent, from, strcspn(from, "/"), id, 1);
}

/* Live stanzas wait while the archive is printed (no gap, no repeat). */
static void
hold_or_emit(xmpp_stanza_t *st)
{
	if (L.mam_active) {
		L.held = realloc(L.held, (L.nheld + 1) * sizeof(*L.held));
		if (L.held == NULL)
			xt_die(XT_SOFTWARE, "out of memory");
		L.held[L.nheld++] = xmpp_stanza_clone(st);
		return;
	}
	if (!seen_before(st) && !(strcmp(xmpp_stanza_get_name(st),
	    "message") == 0 && repeated(st)))
		emit(st);
}

/* XEP-0184: answer a receipt request. */
static void
answer_receipt(xmpp_stanza_t *st)
{
	const char *type = xmpp_stanza_get_type(st);
	const char *id = xmpp_stanza_get_id(st);
	const char *from = xmpp_stanza_get_from(st);
	xmpp_stanza_t *m, *r;

	if (!opt.receipts || id == NULL || from == NULL ||
	    (type && (strcmp(type, "groupchat") == 0 ||
	    strcmp(type, "error") == 0)) ||
	    xmpp_stanza_get_child_by_ns(st, NS_RECEIPTS) == NULL ||
	    strcmp(xmpp_stanza_get_name(xmpp_stanza_get_child_by_ns(st,
	    NS_RECEIPTS)), "request") != 0)
		return;
	m = xmpp_message_new(L.ctx, NULL, from, xt_session_id(L.s));
	r = xmpp_stanza_new(L.ctx);
	xmpp_stanza_set_name(r, "received");
	xmpp_stanza_set_ns(r, NS_RECEIPTS);
	xmpp_stanza_set_id(r, id);
	xmpp_stanza_add_child(m, r);
	xmpp_stanza_release(r);
	xt_session_send(L.s, m);
	xmpp_stanza_release(m);
}

static int
message_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
	xmpp_stanza_t *r, *inner;

	(void)conn;
	(void)arg;
	/* XEP-0313 4.2: an archived message, from our own archive, is
	 * xt_mam_fetch()'s. */
	if (xt_mam_result(st) && from_own_account(st))
		return 1;
	/* XEP-0280 11: carbons only from our own account, never others. */
	if ((r = xmpp_stanza_get_child_by_ns(st, NS_CARBONS)) != NULL) {
		if (opt.carbons && from_own_account(st) &&
		    (inner = xt_forwarded_message(r)) != NULL) {
			hold_or_emit(inner);
			xmpp_stanza_release(inner);
		}
		return 1;
	}
	answer_receipt(st);
	hold_or_emit(st);
	return 1;
}

static int
presence_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
	(void)conn;
	(void)arg;
	hold_or_emit(st);
	return 1;
}

static int
iq_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
	const char *type = xmpp_stanza_get_type(st);

	(void)conn;
	(void)arg;
	/* Answers to our own requests are not news. */
	if (type != NULL && (strcmp(type, "get") == 0 ||
	    strcmp(type, "set") == 0))
		hold_or_emit(st);
	return 1;
}

/* ---- the archive (XEP-0313) ---- */

static void
archived(xmpp_stanza_t *msg, const char *id, void *arg)
{
	(void)arg;
	remember(id);
	emit(msg);
}

static int
archive_stop(void *arg)
{
	(void)arg;
	return L.done;
}

/* Print the archive, page by page, then what arrived meanwhile. */
static int
fetch_archive(void)
{
	struct xt_mam m;
	size_t i;
	int status;

	memset(&m, 0, sizeof(m));
	m.since = opt.since ? L.since : 0;
	m.last = opt.last ? L.last : 0;
	m.cb = archived;
	m.stop = archive_stop;
	L.mam_active = 1;
	status = xt_mam_fetch(L.s, &m);
	if (status == XT_NEGATIVE)
		xt_error("%s", m.why);
	L.mam_active = 0;
	for (i = 0; i < L.nheld; i++) {
		if (!seen_before(L.held[i]))
			emit(L.held[i]);
		xmpp_stanza_release(L.held[i]);
	}
	L.nheld = 0;
	return status;
}

/* ---- staying online ---- */

static void
send_presence(const char *type)
{
	xmpp_stanza_t *p = xmpp_presence_new(L.ctx);
	char prio[8];

	if (type != NULL) {
		xmpp_stanza_set_type(p, type);
	} else {
		if (opt.show != NULL)
			xt_stanza_add(p, "show", NULL, opt.show);
		if (opt.status != NULL)
			xt_stanza_add(p, "status", NULL, opt.status);
		snprintf(prio, sizeof(prio), "%d", L.priority);
		xt_stanza_add(p, "priority", NULL, prio);
	}
	xt_session_send(L.s, p);
	xmpp_stanza_release(p);
}

static int
enable_carbons(void)
{
	xmpp_stanza_t *iq = xmpp_iq_new(L.ctx, "set", NULL), *reply = NULL;
	int status;

	xt_stanza_add(iq, "enable", NS_CARBONS, NULL);
	status = xt_iq_request(L.s, iq, &reply);
	xmpp_stanza_release(iq);
	if (status == 0 && strcmp(xmpp_stanza_get_type(reply), "result") != 0) {
		xt_error("'%s' refused carbons: %s", xt_session_domain(L.s),
		    xt_error_condition(reply));
		status = XT_NEGATIVE;
	}
	if (reply != NULL)
		xmpp_stanza_release(reply);
	return status;
}

static int
join_rooms(void)
{
	char why[512], joined[1024], *nick = opt.nick, *at;
	int i, status = 0;

	if (nick == NULL) {
		nick = strdup(xt_opt.jid);
		if ((at = strchr(nick, '@')) != NULL)
			*at = '\0';
	}
	for (i = 0; opt.rooms && opt.rooms[i] && status == 0; i++) {
		status = xt_muc_join(L.s, opt.rooms[i], nick, NULL,
		    (int)L.history, joined, sizeof(joined), why, sizeof(why));
		if (status == XT_NEGATIVE)
			xt_error("%s", why);
		if (status == 0) {
			free(L.nicks[i]);
			L.nicks[i] = strdup(joined);
		}
	}
	if (nick != opt.nick)
		free(nick);
	return status;
}

/* After every login: what the server must know about us. */
static int
online(int first)
{
	int status = 0;

	snprintf(L.bare, sizeof(L.bare), "%.*s",
	    (int)strcspn(xt_session_jid(L.s), "/"), xt_session_jid(L.s));
	if (opt.carbons && (status = enable_carbons()) != 0)
		return status;
	if (!opt.no_presence)
		send_presence(NULL);
	if ((status = join_rooms()) != 0)
		return status;
	/* The archive may be long: bounded by -w if given, else by the
	 * login timeout afresh (a stalled server must not hang us). */
	xt_session_set_deadline(L.s, L.deadline > 0 ? fmax(0.001, L.deadline -
	    xt_now()) : xt_opt.timeout_s);
	if (first && (opt.since || opt.last))
		status = fetch_archive();
	xt_session_set_deadline(L.s, 0);
	return status;
}

static int
pump(void *arg)
{
	(void)arg;
	run_children();
	if (xt_stdout_gone()) {
		L.stdout_gone = 1;
		return 1;
	}
	if (xt_signalled || L.done || (L.deadline > 0 &&
	    xt_now() >= L.deadline)) {
		L.done = 1;	/* nothing more is printed */
		return 1;
	}
	xt_keepalive(L.s, L.keepalive);
	return 0;
}

static int
listen_loop(void)
{
	long attempt = 0;
	int status;

	if ((status = xt_session_connect(L.s)) == 0)
		status = online(1);
	if (status != 0)
		goto fail;
	while ((status = xt_session_run(L.s, pump, NULL)) != 0) {
		do {
			/* A signal ends it at any time, a login included. */
			if (xt_signalled)
				return 0;
			if (!xt_session_retryable(L.s) ||
			    (L.retries >= 0 && attempt >= L.retries))
				goto fail;
			/* -w bounds the run, reconnecting included; a signal
			 * ends it here as at any other time. */
			if (xt_signalled || (L.deadline > 0 &&
			    xt_now() >= L.deadline))
				return 0;
			xt_warn("%s; reconnecting", xt_session_error(L.s));
			xt_backoff(attempt++, 60, L.deadline);
			if (xt_signalled)
				return 0;
			if ((status = xt_session_reconnect(L.s)) == 0)
				status = online(0);
			if (status == 0)
				attempt = 0;
		} while (status != 0);
		xt_warn("reconnected as '%s'", xt_session_jid(L.s));
	}
	return 0;
fail:
	if (xt_signalled)
		return 0;
	/* The end of -w is the end of the run, not a failure. */
	if (status == XT_TEMPFAIL && L.deadline > 0 && xt_now() >= L.deadline)
		return 0;
	if (xt_session_error(L.s) != NULL)
		xt_error("%s", xt_session_error(L.s));
	return status;
}

/* The command running gets to finish; those still waiting are dropped
 * (the run ends at -w or a signal, not when the queue is empty). */
static void
wait_children(void)
{
	int status;

	if (L.npending > 0 && (xt_signalled || (L.deadline > 0 &&
	    xt_now() >= L.deadline))) {
		xt_warn("warning: %zu stanza%s not passed to --exec: the run "
		    "ended", L.npending, L.npending == 1 ? "" : "s");
		while (L.npending > 0) {
			free(L.pending[--L.npending]);
			free_env(L.pending_env[L.npending]);
		}
	}

	while (L.child > 0 || L.npending > 0) {
		if (L.child > 0 && waitpid(L.child, &status, 0) == L.child) {
			xt_info(1, "--exec exited with status %d",
			    WIFEXITED(status) ? WEXITSTATUS(status) : 128 +
			    WTERMSIG(status));
			L.child = 0;
		}
		run_children();
	}
}

int
main(int argc, const char **argv)
{
	static const char *const features[] = { NS_RECEIPTS, NULL };
	poptContext pc;
	int status, i;

	xt_init(argv[0]);
	pc = xt_parse_args(argc, argv, table, NULL);
	xt_opts_finish(XT_FMT_XML);
	check_options();
	if (poptPeekArg(pc) != NULL)
		xt_die(XT_USAGE, "unexpected argument '%s'; try '%s --help'",
		    poptPeekArg(pc), xt_progname);
	/* Printing is the job: no login for output with nowhere to go.
	 * With --exec the commands write, to the stdout they are given. */
	if (opt.exec == NULL)
		xt_need_stdout();
	/* -w on the command line bounds the whole run; a timeout from the
	 * config file or without -w, only each login. */
	if (xt_opt.timeout != NULL && xt_opt_origin(&xt_opt.timeout) == NULL)
		L.deadline = xt_now() + xt_opt.timeout_s;
	for (i = 0; opt.rooms && opt.rooms[i]; i++)
		;
	L.nicks = calloc(i + 1, sizeof(*L.nicks));
	xt_account_password(&xt_opt);
	L.s = xt_session_new();
	L.ctx = xt_session_ctx(L.s);
	xt_iq_serve(L.s, opt.receipts ? features : features + 1);
	xmpp_handler_add(xt_session_conn(L.s), message_cb, NULL, "message",
	    NULL, NULL);
	xmpp_handler_add(xt_session_conn(L.s), presence_cb, NULL, "presence",
	    NULL, NULL);
	xmpp_handler_add(xt_session_conn(L.s), iq_cb, NULL, "iq", NULL, NULL);
	xt_catch_stop_signals();
	xt_session_interruptible(L.s);
	status = listen_loop();
	xt_account_forget(&xt_opt);
	wait_children();
	if (xt_session_online(L.s)) {
		/* RFC 6121 4.5: say goodbye before closing. */
		for (i = 0; opt.rooms && opt.rooms[i]; i++)
			if (L.nicks[i] != NULL)
				xt_muc_leave(L.s, opt.rooms[i], L.nicks[i]);
		if (!opt.no_presence)
			send_presence("unavailable");
		xt_session_close(L.s);
	}
	if (status == 0 && !L.stdout_gone && !xt_signalled &&
	    L.deadline > 0 && xt_now() >= L.deadline &&
	    (L.matched == 0 || (L.count > 0 && L.matched < L.count))) {
		xt_error("%ld matching stanza%s within %g s%s", L.matched,
		    L.matched == 1 ? "" : "s", xt_opt.timeout_s, L.count ?
		    ", fewer than --count" : "");
		status = XT_TEMPFAIL;
	}
	if (L.write_error) {
		xt_error("cannot write to standard output: %s",
		    xt_strerror(L.write_error));
		status = XT_IOERR;
	}
	xt_session_free(L.s);
	xt_idset_free(L.seen);
	for (i = 0; opt.rooms && opt.rooms[i]; i++)
		free(L.nicks[i]);
	free(L.nicks);
	poptFreeContext(pc);
	if (!L.stdout_gone)
		xt_close_stdout();
	return status;
}
