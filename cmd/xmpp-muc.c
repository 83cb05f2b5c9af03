/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xmpp-muc: group chat from the shell (XEP-0045): a room as a two-way
 * pipe, and the room's administration (occupants, subject, invitations,
 * roles, affiliations, creation, configuration, destruction). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "xt.h"

#define NS_DELAY "urn:xmpp:delay"
#define NS_SID "urn:xmpp:sid:0"
#define NS_PING "urn:xmpp:ping"
#define NS_ROOMINFO "http://jabber.org/protocol/muc#roominfo"
#define CONFIG_PREFIX "muc#roomconfig_"
/* A line is one message: at most this many bytes. */
#define MAX_LINE (1 << 20)
/* Reading stops while this many lines wait for the room's confirmation. */
#define HIGH_WATER 5000
#define LOW_WATER 2500

static struct {
	char *nick, *room_password_file, *history, *since, *self_ping;
	char *retries, *reason;
	const char **config;
	int strict_nick, echo, stay, persistent, members_only;
} opt;

static struct poptOption table[] = {
	{ "nick", 'n', POPT_ARG_STRING, &opt.nick, 0,
	    "nickname in the room (default: the JID's local part)", "NICK" },
	{ "strict-nick", '\0', POPT_ARG_NONE, &opt.strict_nick, 0,
	    "a nickname that is taken is a failure, not retried with a "
	    "suffix", NULL },
	{ "room-password-file", '\0', POPT_ARG_STRING,
	    &opt.room_password_file, 0,
	    "the room's password, from FILE (create: the password to set)",
	    "FILE" },
	{ "history", '\0', POPT_ARG_STRING, &opt.history, 0,
	    "pipe: first print the room's last N messages (default 0)", "N" },
	{ "since", '\0', POPT_ARG_STRING, &opt.since, 0,
	    "pipe: first print the room's messages since TIME (ISO 8601, or "
	    "30m, 2h, 7d ago)", "TIME" },
	{ "echo", '\0', POPT_ARG_NONE, &opt.echo, 0,
	    "pipe: print our own messages too", NULL },
	{ "stay", '\0', POPT_ARG_NONE, &opt.stay, 0,
	    "pipe: at the end of input stay in the room until a signal",
	    NULL },
	{ "self-ping", '\0', POPT_ARG_STRING, &opt.self_ping, 0,
	    "pipe: check every S seconds that we are still in the room "
	    "(XEP-0410; default 300, 0: never)", "S" },
	{ "retries", '\0', POPT_ARG_STRING, &opt.retries, 0,
	    "pipe: give up after N failed reconnects (default: never)", "N" },
	{ "reason", '\0', POPT_ARG_STRING, &opt.reason, 0,
	    "invite, kick, ban, role, affiliation, destroy: the reason given",
	    "TEXT" },
	{ "config", '\0', POPT_ARG_ARGV, &opt.config, 0,
	    "create: a configuration field (repeatable)", "VAR=VALUE" },
	{ "persistent", '\0', POPT_ARG_NONE, &opt.persistent, 0,
	    "create: the room outlives its last occupant", NULL },
	{ "members-only", '\0', POPT_ARG_NONE, &opt.members_only, 0,
	    "create: only members may join", NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, xt_conn_table, 0,
	    "Connection options:", NULL },
	POPT_AUTOHELP
	POPT_TABLEEND
};

#define REC(...) do { \
	const char *const f_[] = { __VA_ARGS__ }; \
	if (xt_write_record(stdout, f_, sizeof(f_) / sizeof(f_[0])) < 0) \
		P.write_error = errno; \
} while (0)

static struct xt_session *S;
static xmpp_ctx_t *ctx;
static char *room_password;
static char why[1024];

/* The state of the run. */
static struct {
	const char *room;
	char nick[1024];	/* the nick we asked for */
	char occupant[3200];	/* room/nick we have */
	long history, retries;
	double since, self_ping;
	int joined;		/* in the room now */
	int left;		/* removed, or we left */
	int eof, interactive, paused;
	char removed[4096];	/* why the room removed us */
	struct xt_outq *q;
	struct xt_lines lines;
	char inbuf[65536];
	size_t inpos, inlen;
	char idprefix[16];
	unsigned long ids;
	struct xt_idset *seen;	/* stanza-ids printed */
	double last_seen;	/* when the newest message printed was sent */
	char last_id[256];	/* ... its stanza-id (the archive's id) */
	double joined_at;	/* when we first joined */
	double next_check, check_sent;	/* self-ping */
	char check_id[48];
	int write_error, out_gone, error_shown, interrupted;
	int mam_checked, room_mam;	/* the room has an archive */
	int mam_active;		/* reading it: live messages wait */
	xmpp_stanza_t **held;
	double *held_at;	/* ... when each came */
	size_t nheld;
	double arrived;		/* printing a held one: when it came */
	int catching_up;	/* a rejoin's history: repeats are likely */
	struct xt_idset *recent;	/* nick+body of messages without a
					 * stanza-id, printed live */
	struct xt_strset *present;	/* the nicks in the room */
	double finish_by;	/* after the end of input: done by then */
	unsigned long bounced, refused;
} P = { .history = -1, .retries = -1, .self_ping = 300 };

/* ---- options ---- */

static void
default_nick(void)
{
	char *at;

	if (opt.nick != NULL) {
		snprintf(P.nick, sizeof(P.nick), "%s", opt.nick);
		return;
	}
	snprintf(P.nick, sizeof(P.nick), "%s", xt_opt.jid);
	if ((at = strchr(P.nick, '@')) != NULL)
		*at = '\0';
}

/* A room is a bare JID with a local part; a service, a domain. */
static void
check_room(const char *what, const char *s, int service)
{
	const char *e;

	if (!xt_jid_valid(s, &e))
		xt_die(XT_USAGE, "invalid %s '%s': %s", what, s, e);
	if (strchr(s, '/') != NULL)
		xt_die(XT_USAGE, "invalid %s '%s': a %s is a bare JID, without "
		    "a resource", what, s, what);
	if (!service && strchr(s, '@') == NULL)
		xt_die(XT_USAGE, "invalid room '%s': a room is a JID like "
		    "ops@conference.example.org", s);
	if (service && strchr(s, '@') != NULL)
		xt_die(XT_USAGE, "invalid service '%s': a service is a domain "
		    "like conference.example.org", s);
}

/* ---- printing ---- */

static void
out_begin(void)
{
	xt_term_hide();
}

static void
out_end(void)
{
	if (fflush(stdout) != 0 && P.write_error == 0)
		P.write_error = errno ? errno : EIO;
	xt_term_show();
}

static double
delay_of(xmpp_stanza_t *st)
{
	xmpp_stanza_t *d = xmpp_stanza_get_child_by_name_and_ns(st, "delay",
	    NS_DELAY);
	time_t t;

	if (d != NULL && xt_datetime_parse(xmpp_stanza_get_attribute(d,
	    "stamp"), &t) == 0)
		return (double)t;
	return 0;
}

static void
print_message(xmpp_stanza_t *st, const char *id, const char *nick,
    const char *body, int history, int private)
{
	char when[32];
	double t = delay_of(st);
	json_t *o;

	if (id == NULL)
		id = xmpp_stanza_get_id(st);
	xt_datetime_format((time_t)(t > 0 ? t : P.arrived > 0 ? P.arrived :
	    time(NULL)), when, sizeof(when));
	out_begin();
	if (xt_opt.format == XT_FMT_JSON) {
		o = json_object();
		json_object_set_new(o, "time", json_string(when));
		json_object_set_new(o, "room", json_string(P.room));
		json_object_set_new(o, "nick", json_string(nick));
		json_object_set_new(o, "body", json_string(body));
		json_object_set_new(o, "history", json_boolean(history));
		if (id != NULL)
			json_object_set_new(o, "id", json_string(id));
		if (private)
			json_object_set_new(o, "private", json_true());
		if (xt_write_json(stdout, o) < 0)
			P.write_error = errno;
	} else if (xt_opt.format == XT_FMT_XML) {
		if (xt_write_stanza(stdout, XT_FMT_XML, st) < 0)
			P.write_error = errno;
	} else if (history || private) {
		REC(when, nick, body, private ? "private" : "history");
	} else {
		REC(when, nick, body);
	}
	out_end();
}

/* ---- what the room sends ---- */

static int
from_room(const char *from, const char **nick)
{
	size_t rl = strlen(P.room);

	if (from == NULL || strncmp(from, P.room, rl) != 0 ||
	    (from[rl] != '/' && from[rl] != '\0'))
		return 0;
	*nick = from[rl] == '/' ? from + rl + 1 : "";
	return 1;
}

/* Messages without a stanza-id: live ones are remembered by nick and
 * body; 1 if a replayed one (replay) was printed already. */
static int
repeat_check(const char *nick, const char *body, int replay)
{
	char key[64];
	unsigned char md[32];
	unsigned int len = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	size_t i;

	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	EVP_DigestUpdate(c, nick, strlen(nick) + 1);
	EVP_DigestUpdate(c, body, strlen(body));
	EVP_DigestFinal_ex(c, md, &len);
	EVP_MD_CTX_free(c);
	for (i = 0; i < 16 && i < len; i++)
		snprintf(key + 2 * i, 3, "%02x", md[i]);
	if (replay)
		return xt_idset_check(P.recent, "", 0, key, 0);
	xt_idset_check(P.recent, "", 0, key, 1);
	return 0;
}

/* 1 if id is of a line we sent ("PREFIX-N"). */
static int
is_ours(const char *id)
{
	size_t n = strlen(P.idprefix);

	return id != NULL && n > 0 && strncmp(id, P.idprefix, n) == 0 &&
	    id[n] == '-';
}

/* The input line a message of ours came from (its id says), 0 if none. */
static unsigned long
line_of(const char *id)
{
	return is_ours(id) ? strtoul(id + strlen(P.idprefix) + 1, NULL, 10) :
	    0;
}

/* A message of the room with a body, printed once: a repeat (after a
 * rejoin, or from the archive) has the same stanza-id, sid. */
static void
room_message(xmpp_stanza_t *st, const char *sid, int archived)
{
	const char *type = xmpp_stanza_get_type(st), *nick;
	char *body;
	int history, own;

	if (!from_room(xmpp_stanza_get_from(st), &nick) ||
	    (body = xt_stanza_child_text(st, "body")) == NULL)
		return;
	if (sid != NULL && xt_idset_check(P.seen, P.room, strlen(P.room), sid,
	    1)) {
		free(body);
		return;
	}
	/* A room without stanza-ids: what the history of a rejoin repeats
	 * is known by who said what (the same words said again in that
	 * second of overlap would be taken for a repeat). */
	if (sid == NULL && repeat_check(nick, body, archived ||
	    (P.catching_up && delay_of(st) > 0))) {
		free(body);
		return;
	}
	history = archived || (delay_of(st) > 0 && type != NULL &&
	    strcmp(type, "groupchat") == 0);
	if (delay_of(st) > P.last_seen)
		P.last_seen = delay_of(st);
	/* Where a catch-up from the archive starts: after this one. */
	if (sid != NULL)
		snprintf(P.last_id, sizeof(P.last_id), "%s", sid);
	own = strcmp(xmpp_stanza_get_from(st), P.occupant) == 0;
	if (sid == NULL)
		sid = xmpp_stanza_get_id(st);
	if (type != NULL && strcmp(type, "groupchat") == 0) {
		if (!own || opt.echo || history)
			print_message(st, sid, nick, body, history, 0);
	} else if (!archived && *nick != '\0' && (type == NULL ||
	    strcmp(type, "chat") == 0 || strcmp(type, "normal") == 0)) {
		print_message(st, sid, nick, body, 0, 1);
	}
	free(body);
	if (delay_of(st) == 0 && !archived)
		P.last_seen = (double)time(NULL);
}

static int
message_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
	const char *type = xmpp_stanza_get_type(st), *nick, *text;
	char *subject;

	(void)conn;
	(void)arg;
	/* The archive's results are xt_mam_fetch()'s. */
	if (xt_mam_result(st) || !from_room(xmpp_stanza_get_from(st), &nick))
		return 1;
	if (type != NULL && strcmp(type, "error") == 0) {
		/* A room that no longer has us refuses what we say
		 * (XEP-0045 7.4): said again once we are back in. */
		if (strcmp(xt_error_condition(st), "not-acceptable") == 0 &&
		    is_ours(xmpp_stanza_get_id(st))) {
			if (P.joined)
				xt_warn("'%s' no longer has us as an occupant "
				    "(not-acceptable); joining again", P.room);
			P.joined = 0;
			return 1;
		}
		text = xt_error_text(st);
		xt_error("line %lu to '%s' bounced: %s%s%s", line_of(
		    xmpp_stanza_get_id(st)), P.room, xt_error_condition(st),
		    text ? ": " : "", text ? text : "");
		P.bounced++;
		return 1;
	}
	if ((subject = xt_stanza_child_text(st, "subject")) != NULL &&
	    *subject != '\0') {
		xt_info(1, "subject of '%s'%s%s%s: %s", P.room, *nick ?
		    " (set by '" : "", nick, *nick ? "')" : "", subject);
	}
	free(subject);
	/* While the archive is read, live messages wait: the past first. */
	if (P.mam_active) {
		P.held = xt_grow(P.held, P.nheld, sizeof(*P.held));
		P.held_at = xt_grow(P.held_at, P.nheld, sizeof(*P.held_at));
		P.held_at[P.nheld] = (double)time(NULL);
		P.held[P.nheld++] = xmpp_stanza_clone(st);
		return 1;
	}
	room_message(st, xt_stanza_id_by(st, P.room), 0);
	return 1;
}

/* What came live while the archive was read: printed now, at the time
 * it came. */
static void
release_held(void)
{
	size_t i;

	for (i = 0; i < P.nheld; i++) {
		P.arrived = P.held_at[i];
		room_message(P.held[i], xt_stanza_id_by(P.held[i], P.room), 0);
		xmpp_stanza_release(P.held[i]);
	}
	P.arrived = 0;
	P.nheld = 0;
}

static void
archived_cb(xmpp_stanza_t *msg, const char *id, void *arg)
{
	(void)arg;
	room_message(msg, id, 1);
}

/* XEP-0313 at the room: what it said since (after the message of
 * after_id, when we know it: exact), then what came meanwhile. */
static int
fetch_archive(double since, const char *after_id)
{
	struct xt_mam m;
	char after[256];
	int status;

	memset(&m, 0, sizeof(m));
	m.archive = P.room;
	m.cb = archived_cb;
	P.mam_active = 1;
	if (after_id != NULL && *after_id != '\0') {
		snprintf(after, sizeof(after), "%s", after_id);
		m.after = after;
		status = xt_mam_fetch(S, &m);
		/* An id the archive no longer has: by time, then. */
		if (status != XT_NEGATIVE)
			goto done;
		m.after = NULL;
	}
	m.since = since;
	status = xt_mam_fetch(S, &m);
done:
	P.mam_active = 0;
	if (status == XT_NEGATIVE)
		xt_error("%s", m.why);
	release_held();
	xt_info(1, "%llu archived message%s of '%s'", m.got, m.got == 1 ?
	    "" : "s", P.room);
	return status;
}

static int
presence_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
	const char *type = xmpp_stanza_get_type(st), *nick;
	char buf[1024];

	(void)conn;
	(void)arg;
	if (!from_room(xmpp_stanza_get_from(st), &nick) || *nick == '\0' ||
	    (type != NULL && strcmp(type, "error") == 0))
		return 1;
	/* Those in the room as we join are no news; who comes later is. */
	if (!P.joined) {
		if (type != NULL && strcmp(type, "unavailable") == 0)
			xt_strset_remove(P.present, nick);
		else if (xt_strset_add(P.present, nick))
			xt_info(2, "'%s' is in '%s'", nick, P.room);
		return 1;
	}
	if (xt_muc_is_self(st, P.occupant)) {
		if (type == NULL || strcmp(type, "unavailable") != 0) {
			/* A nick the room changed (210), or a new one. */
			snprintf(P.occupant, sizeof(P.occupant), "%s",
			    xmpp_stanza_get_from(st));
			snprintf(P.nick, sizeof(P.nick), "%s", nick);
			xt_outq_set_barrier(P.q, P.occupant);
			return 1;
		}
		/* 303: our nick changed (XEP-0045 7.6); the new one's
		 * presence follows. */
		if (xt_muc_has_status(st, "303") && xt_muc_item(st) != NULL &&
		    xmpp_stanza_get_attribute(xt_muc_item(st), "nick")) {
			snprintf(P.nick, sizeof(P.nick), "%s",
			    xmpp_stanza_get_attribute(xt_muc_item(st), "nick"));
			snprintf(P.occupant, sizeof(P.occupant), "%s/%s",
			    P.room, P.nick);
			xt_outq_set_barrier(P.q, P.occupant);
			xt_info(1, "our nick in '%s' is now '%s'", P.room,
			    P.nick);
			return 1;
		}
		snprintf(P.removed, sizeof(P.removed), "removed from '%s'%s%s",
		    P.room, xt_muc_removal(st, buf, sizeof(buf)) ? ": " : "",
		    xt_muc_removal(st, buf, sizeof(buf)) ? buf : "");
		P.joined = 0;
		P.left = 1;
		return 1;
	}
	if (type != NULL && strcmp(type, "unavailable") == 0) {
		xt_strset_remove(P.present, nick);
		xt_info(1, "'%s' left '%s'%s%s", nick, P.room,
		    xt_muc_removal(st, buf, sizeof(buf)) ? ": " : "",
		    xt_muc_removal(st, buf, sizeof(buf)) ? buf : "");
	} else if (xt_strset_add(P.present, nick)) {
		xt_info(1, "'%s' joined '%s'", nick, P.room);
	}
	return 1;
}

/* ---- sending ---- */

static void
send_text(const char *line, size_t len, unsigned long lineno)
{
	char id[64], what[64], *body, *xml;
	size_t replaced = 0;
	xmpp_stanza_t *m;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0)
		return;		/* empty lines are skipped */
	if ((body = xt_text_sanitize(line, len, &replaced)) == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	if (replaced > 0) {
		snprintf(what, sizeof(what), "line %lu", lineno);
		xt_warn("warning: replaced %zu character%s that XMPP cannot "
		    "carry in %s with U+FFFD", replaced, replaced == 1 ? "" :
		    "s", what);
	}
	/* The id says the line: a refusal names it. */
	snprintf(id, sizeof(id), "%s-%lu", P.idprefix, lineno);
	m = xmpp_message_new(ctx, "groupchat", P.room, id);
	xt_stanza_add(m, "body", NULL, body);
	/* XEP-0359: what a receiver matches a re-sent copy by. */
	xmpp_stanza_set_id(xt_stanza_add(m, "origin-id", NS_SID, NULL), id);
	if ((xml = xt_stanza_xml_line(m)) == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	xt_outq_push(P.q, xml, lineno);
	xmpp_stanza_release(m);
	free(body);
}

static void
on_line(const char *s, size_t len, unsigned long lineno, void *arg)
{
	(void)arg;
	send_text(s, len, lineno);
}

static void
on_too_long(unsigned long lineno, unsigned long long bytes, void *arg)
{
	(void)arg;
	xt_error("line %lu: %llu bytes not sent: longer than %d MiB, the "
	    "limit of a message", lineno, bytes, MAX_LINE >> 20);
	P.refused++;
}

static int
queue_full(void *arg)
{
	(void)arg;
	return xt_outq_unconfirmed(P.q) >= HIGH_WATER;
}

static void
end_of_input(void)
{
	if (P.eof)
		return;
	P.eof = 1;
	/* What is left to do (confirm, leave) is bounded by -w, outages
	 * included: `echo alert | xmpp-muc ROOM` in cron ends. */
	if (!opt.stay)
		P.finish_by = xt_now() + xt_opt.timeout_s;
	xt_lines_finish(&P.lines);
	xt_session_watch(S, -1, NULL, NULL);
}

static void
readline_cb(char *line)
{
	if (line == NULL) {
		end_of_input();
		return;
	}
	P.lines.lineno++;
	send_text(line, strlen(line), P.lines.lineno);
	free(line);
}

static void
on_input(void *arg)
{
	ssize_t n;

	(void)arg;
	if (P.interactive) {
		xt_term_input();
		return;
	}
	if (P.inpos < P.inlen) {
		xt_lines_feed(&P.lines, P.inbuf, P.inlen, &P.inpos,
		    queue_full);
		/* Full (a rejoin, the archive): no spinning on stdin. */
		if (P.inpos < P.inlen) {
			P.paused = 1;
			xt_session_pause_input(S, 1);
		}
		return;
	}
	n = read(STDIN_FILENO, P.inbuf, sizeof(P.inbuf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n < 0) {
		xt_error("cannot read standard input: %s", xt_strerror(errno));
		P.write_error = errno;
		n = 0;
	}
	if (n == 0) {
		end_of_input();
		return;
	}
	P.inpos = 0;
	P.inlen = (size_t)n;
	xt_lines_feed(&P.lines, P.inbuf, P.inlen, &P.inpos, queue_full);
}

static void
refused_cb(const char *xml, size_t len, unsigned long tag, size_t limit,
    void *arg)
{
	(void)xml;
	(void)arg;
	P.refused++;
	if (limit > 0)
		xt_error("line %lu: a message of %zu bytes not sent: larger "
		    "than the server's limit of %zu bytes", tag, len, limit);
	else
		xt_error("line %lu: a message of %zu bytes not sent: the "
		    "server closed the stream over it", tag, len);
}

/* ---- XEP-0410: are we still in the room? ---- */

/* XEP-0410: what an error to a ping of our occupant JID says. The
 * client answered for the room, or did not know the ping: still in. Else
 * (not-acceptable and the rest) the room no longer has us: join again. */
static int
not_in_room(xmpp_stanza_t *reply)
{
	const char *cond = xt_error_condition(reply);

	/* XEP-0410 4: still joined (answered for the room, the ping not
	 * known, the nick taken over by another client of ours); the room
	 * out of reach (remote-server-*): not known, asked again later. */
	if (strcmp(cond, "service-unavailable") == 0 ||
	    strcmp(cond, "feature-not-implemented") == 0 ||
	    strcmp(cond, "item-not-found") == 0 ||
	    strcmp(cond, "remote-server-not-found") == 0 ||
	    strcmp(cond, "remote-server-timeout") == 0)
		return 0;
	if (P.joined)
		xt_warn("'%s' no longer has us as an occupant (%s); joining "
		    "again", P.room, cond);
	P.joined = 0;
	return 1;
}

/* The delivery barrier is a self-ping too: an error that says we are
 * out of the room confirms nothing; the lines go again after the
 * rejoin. */
static int
barrier_error(xmpp_stanza_t *reply, void *arg)
{
	(void)arg;
	return not_in_room(reply);
}

static void
check_cb(struct xt_session *s, xmpp_stanza_t *reply, void *arg)
{
	(void)s;
	(void)arg;
	P.check_sent = 0;
	P.check_id[0] = '\0';
	if (reply != NULL && strcmp(xmpp_stanza_get_type(reply), "error") == 0)
		not_in_room(reply);
}

static void
self_check(void)
{
	xmpp_stanza_t *iq;
	double now = xt_now();

	if (P.self_ping <= 0 || !P.joined || P.check_sent > 0 ||
	    now < P.next_check)
		return;
	iq = xt_ping_new(ctx, NULL, P.occupant);
	snprintf(P.check_id, sizeof(P.check_id), "%s",
	    xmpp_stanza_get_id(iq));
	P.check_sent = now;
	P.next_check = now + P.self_ping;
	xt_iq_send(S, iq, check_cb, NULL);
	xmpp_stanza_release(iq);
}

/* ---- the pipe ---- */

static int
pump(void *arg)
{
	(void)arg;
	if (P.left)
		return 1;
	if (!P.joined)
		return 1;	/* rejoin: the caller does it */
	/* `| head -1` has all it wanted (a quiet end), a full disk is an
	 * error (74): either way reading stops, and what was read is still
	 * sent and confirmed. */
	if (!P.out_gone && (P.write_error || xt_stdout_gone())) {
		P.out_gone = 1;
		if (P.write_error == EPIPE)
			P.write_error = 0;
		xt_term_stop();
		end_of_input();
	}
	if (xt_signalled && !P.interrupted) {
		xt_info(1, "interrupted: confirming what was sent");
		P.interrupted = 1;
		xt_term_stop();
		end_of_input();
		xt_outq_hold(P.q);
		/* Confirming is bounded by -w, --stay or not. */
		P.finish_by = xt_now() + xt_opt.timeout_s;
	}
	xt_outq_pump(P.q, P.eof);
	if (!P.paused && xt_outq_unconfirmed(P.q) >= HIGH_WATER)
		P.paused = 1;
	else if (P.paused && xt_outq_unconfirmed(P.q) < LOW_WATER)
		P.paused = 0;
	if (!P.eof) {
		xt_session_pause_input(S, P.paused);
		if (!P.paused && !P.interactive && P.inpos < P.inlen)
			xt_lines_feed(&P.lines, P.inbuf, P.inlen, &P.inpos,
			    queue_full);
	}
	if (P.finish_by > 0 && xt_now() >= P.finish_by) {
		xt_session_fail(S, XT_TEMPFAIL, "the room '%s' did not confirm "
		    "every message within %g s", P.room, xt_opt.timeout_s);
		return 0;
	}
	if (xt_outq_stalled(P.q, xt_opt.timeout_s)) {
		xt_session_fail(S, XT_TEMPFAIL, "no answer from '%s' within "
		    "%g s", P.room, xt_opt.timeout_s);
		return 0;
	}
	self_check();
	/* A check unanswered for -w: on a link where nothing moved either,
	 * the link is dead; else the answer was lost, and the next check
	 * asks again. */
	if (P.check_sent > 0 && xt_now() - P.check_sent > xt_opt.timeout_s) {
		if (xt_session_quiet(S) > xt_opt.timeout_s) {
			xt_session_fail(S, XT_TEMPFAIL, "no answer from '%s' "
			    "within %g s", P.room, xt_opt.timeout_s);
			return 0;
		}
		xt_iq_cancel(S, P.check_id);
		P.check_sent = 0;
	}
	if (!P.eof || xt_outq_unsettled(P.q) > 0)
		return 0;
	return !opt.stay || xt_signalled || P.out_gone;
}

/* 1 if the room keeps an archive (XEP-0313) we may read. */
static int
room_has_archive(void)
{
	xmpp_stanza_t *iq = xt_disco_new(ctx, NULL, P.room, NULL, 0), *r = NULL;
	struct xt_disco_info *d;
	int has = 0;

	if (xt_iq_request(S, iq, &r) == 0 && (d = xt_disco_info_parse(r)) !=
	    NULL) {
		has = xt_disco_has(d, "urn:xmpp:mam:2");
		xt_disco_info_free(d);
	}
	xmpp_stanza_release(iq);
	if (r != NULL)
		xmpp_stanza_release(r);
	return has;
}

static int
join_pipe(int again)
{
	struct xt_muc_join j;
	char anchor[256];
	double since;
	int status, archive;

	memset(&j, 0, sizeof(j));
	j.room = P.room;
	j.nick = P.nick;
	j.password = room_password;
	j.strict_nick = opt.strict_nick;
	/* Who is in the room is learnt afresh with each join. */
	xt_strset_free(P.present);
	P.present = xt_strset_new();
	/* The history is printed before the first line is read. */
	j.until_subject = 1;
	xt_session_set_deadline(S, xt_opt.timeout_s);
	/* What the room said while we were away (or since --since): from
	 * its archive where it has one, whole; else as much as its history
	 * keeps. The repeats are known by their stanza-id. */
	/* The anchors of the catch-up, before the join: what it lets in
	 * must not move them. A second of overlap with the history (by
	 * the second, inclusive): the repeats are known. */
	snprintf(anchor, sizeof(anchor), "%s", P.last_id);
	since = again ? (P.last_seen > 0 ? P.last_seen - 1 : P.joined_at > 0 ?
	    P.joined_at : (double)time(NULL) - 3600) : P.since;
	if (since > 0 && !(P.history >= 0 && !again) && !P.mam_checked) {
		P.mam_checked = 1;
		P.room_mam = room_has_archive();
	}
	archive = since > 0 && P.room_mam && !(P.history >= 0 && !again);
	if (archive) {
		j.history = 0;
	} else if (again) {
		j.history = -1;
		j.since = since;
	} else {
		j.history = P.history;
		j.since = P.since;
	}
	/* The archive comes first: live messages of the join wait. */
	P.mam_active = archive;
	P.catching_up = again;
	status = xt_muc_enter(S, &j);
	P.mam_active = 0;
	if (status != 0) {
		release_held();
		P.catching_up = 0;
		if (status == XT_NEGATIVE)
			xt_error("%s", j.why);
		return status;
	}
	/* The nick we got is ours for the rest of the run. */
	snprintf(P.nick, sizeof(P.nick), "%s", j.joined);
	snprintf(P.occupant, sizeof(P.occupant), "%s/%s", P.room, j.joined);
	xt_outq_set_barrier(P.q, P.occupant);
	P.joined = 1;
	if (P.joined_at == 0)
		P.joined_at = (double)time(NULL);
	/* After the last message seen; else since the first join (by the
	 * second, the archive's grain). */
	if (archive)
		status = fetch_archive(again ? (*anchor ? since : P.joined_at) :
		    since, again ? anchor : NULL);
	P.catching_up = 0;
	if (status != 0)
		return status;
	P.next_check = xt_now() + P.self_ping;
	P.check_sent = 0;
	/* Reading input for days: only each answer is bounded now. */
	xt_session_set_deadline(S, 0);
	if (!P.eof)
		xt_session_watch(S, STDIN_FILENO, on_input, NULL);
	return 0;
}

static int
pipe_run(void)
{
	long attempt = 0;
	int status;

	if ((status = join_pipe(0)) != 0)
		return status;
	for (;;) {
		status = xt_session_run(S, pump, NULL);
		if (P.left)
			break;
		if (status == 0 && P.joined)
			break;
		if (status == 0) {
			/* The room lost us (self-ping, a refusal): join again;
			 * what it did not take goes again. */
			xt_outq_restart(P.q);
			if ((status = join_pipe(1)) == 0)
				continue;
			if (status == XT_NEGATIVE)
				return status;
			/* A join not answered (a restarting service): the
			 * stream goes, and the loop below tries again. */
			if (xt_session_online(S))
				xt_session_fail(S, XT_TEMPFAIL, "no answer from "
				    "'%s' to the join", P.room);
		}
		P.joined = 0;
		do {
			if (!xt_session_retryable(S) || xt_signalled ||
			    (P.retries >= 0 && attempt >= P.retries) ||
			    (P.finish_by > 0 && xt_now() >= P.finish_by))
				return status;
			xt_warn("%s; reconnecting", xt_session_error(S));
			xt_backoff(attempt++, 60, P.finish_by);
			if (P.finish_by > 0 && xt_now() >= P.finish_by)
				return XT_TEMPFAIL;
			if (xt_signalled)
				return status;
			xt_outq_restart(P.q);
			if ((status = xt_session_reconnect(S)) == 0)
				status = join_pipe(1);
			if (status == XT_NEGATIVE)
				return status;
		} while (status != 0);
		attempt = 0;
		xt_warn("reconnected; back in '%s' as '%s'", P.room, P.nick);
	}
	if (P.left) {
		xt_error("%s", P.removed);
		return XT_NEGATIVE;
	}
	xt_muc_leave(S, P.room, P.nick);
	P.joined = 0;
	xt_info(1, "the room has confirmed %llu message%s",
	    xt_outq_confirmed(P.q), xt_outq_confirmed(P.q) == 1 ? "" : "s");
	return 0;
}

static int
cmd_pipe(void)
{
	unsigned char rnd[4];
	size_t left, sent;
	int status;

	RAND_bytes(rnd, sizeof(rnd));
	snprintf(P.idprefix, sizeof(P.idprefix), "xm%02x%02x%02x%02x",
	    rnd[0], rnd[1], rnd[2], rnd[3]);
	P.seen = xt_idset_new();
	P.recent = xt_idset_new();
	P.present = xt_strset_new();
	P.q = xt_outq_new(S);
	xt_outq_set_max(P.q, MAX_LINE + 4096, 0);
	xt_outq_on_refuse(P.q, refused_cb, NULL);
	xt_outq_on_barrier_error(P.q, barrier_error, NULL);
	P.lines.max = MAX_LINE;
	P.lines.line = on_line;
	P.lines.too_long = on_too_long;
	P.interactive = isatty(STDIN_FILENO);
	xmpp_handler_add(xt_session_conn(S), message_cb, NULL, "message",
	    NULL, NULL);
	xmpp_handler_add(xt_session_conn(S), presence_cb, NULL, "presence",
	    NULL, NULL);
	if (P.interactive)
		xt_term_start("> ", readline_cb);
	xt_catch_stop_signals();
	status = pipe_run();
	xt_term_stop();
	/* Interrupted, the lines read but never sent are no failure (the
	 * signal said not to); those sent and not confirmed are. */
	left = xt_outq_unconfirmed(P.q);
	sent = P.interrupted ? xt_outq_unsettled(P.q) : left;
	if (status == 0 && sent > 0)
		status = XT_NEGATIVE;
	/* Why first, then what it cost. */
	if (status != 0 && status != XT_NEGATIVE && xt_session_error(S)) {
		xt_error("%s", xt_session_error(S));
		P.error_shown = 1;
	}
	if (left > 0) {
		if (sent < left)
			xt_warn("%zu line%s read but not sent (interrupted)%s",
			    left - sent, left - sent == 1 ? " was" : "s were",
			    sent ? "" : ":");
		if (sent > 0)
			xt_error("%zu message%s not confirmed by the room:",
			    sent, sent == 1 ? " was" : "s were");
		xt_outq_dump(P.q, stderr);
	}
	if (status == 0 && (P.bounced || P.refused))
		status = XT_NEGATIVE;
	/* What comes while the stream closes is not for us. */
	xmpp_handler_delete(xt_session_conn(S), message_cb);
	xmpp_handler_delete(xt_session_conn(S), presence_cb);
	xt_lines_free(&P.lines);
	xt_outq_free(P.q);
	P.q = NULL;
	xt_idset_free(P.seen);
	P.seen = NULL;
	free(P.held);
	free(P.held_at);
	xt_idset_free(P.recent);
	P.recent = NULL;
	xt_strset_free(P.present);
	P.present = NULL;
	return status;
}

/* ---- joining for one request ---- */

struct occupant {
	char *nick, *role, *affiliation, *jid;
	xmpp_stanza_t *st;
};

static struct {
	struct occupant *v;
	size_t n;
} occ;

static void
occupant_clear(struct occupant *o)
{
	free(o->nick);
	free(o->role);
	free(o->affiliation);
	free(o->jid);
	xmpp_stanza_release(o->st);
}

static void
occupant_cb(xmpp_stanza_t *st, void *arg)
{
	xmpp_stanza_t *item = xt_muc_item(st);
	const char *from = xmpp_stanza_get_from(st), *nick;
	struct occupant *o;
	size_t i;

	(void)arg;
	if (!from_room(from, &nick) || *nick == '\0')
		return;
	for (i = 0; i < occ.n; i++)
		if (strcmp(occ.v[i].nick, nick) == 0)
			break;
	/* Gone while we joined: not in the room. */
	if (xmpp_stanza_get_type(st) != NULL &&
	    strcmp(xmpp_stanza_get_type(st), "unavailable") == 0) {
		if (i < occ.n) {
			occupant_clear(&occ.v[i]);
			occ.v[i] = occ.v[--occ.n];
		}
		return;
	}
	if (i == occ.n) {
		occ.v = xt_grow(occ.v, occ.n, sizeof(*occ.v));
		memset(&occ.v[occ.n], 0, sizeof(occ.v[0]));
		occ.n++;
	} else {
		occupant_clear(&occ.v[i]);
	}
	o = &occ.v[i];
	o->nick = xt_strdup(nick);
	o->role = xt_strdup(item ? xmpp_stanza_get_attribute(item, "role") :
	    NULL);
	o->affiliation = xt_strdup(item ? xmpp_stanza_get_attribute(item,
	    "affiliation") : NULL);
	o->jid = xt_strdup(item ? xmpp_stanza_get_attribute(item, "jid") :
	    NULL);
	o->st = xmpp_stanza_clone(st);
}

static void
occupants_free(void)
{
	size_t i;

	for (i = 0; i < occ.n; i++)
		occupant_clear(&occ.v[i]);
	free(occ.v);
	occ.v = NULL;
	occ.n = 0;
}

/* Join an existing room for one request; 0 or an exit code. */
static int
enter(int collect)
{
	struct xt_muc_join j;
	int status;

	if ((status = xt_muc_exists(S, P.room, why, sizeof(why))) != 0)
		return status;
	memset(&j, 0, sizeof(j));
	j.room = P.room;
	j.nick = P.nick;
	j.password = room_password;
	j.strict_nick = opt.strict_nick;
	j.history = 0;
	if (collect)
		j.on_presence = occupant_cb;
	if ((status = xt_muc_enter(S, &j)) != 0) {
		snprintf(why, sizeof(why), "%s", j.why);
		return status;
	}
	snprintf(P.nick, sizeof(P.nick), "%s", j.joined);
	snprintf(P.occupant, sizeof(P.occupant), "%s/%s", P.room, j.joined);
	P.joined = 1;
	return 0;
}

static void
leave(void)
{
	if (P.joined)
		xt_muc_leave(S, P.room, P.nick);
	P.joined = 0;
}

static int
cmd_occupants(void)
{
	size_t i;
	json_t *o;
	int status = enter(1);

	for (i = 0; status == 0 && i < occ.n; i++) {
		if (xt_opt.format == XT_FMT_JSON) {
			o = json_object();
			json_object_set_new(o, "nick",
			    json_string(occ.v[i].nick));
			json_object_set_new(o, "role", json_string(
			    occ.v[i].role ? occ.v[i].role : "none"));
			json_object_set_new(o, "affiliation", json_string(
			    occ.v[i].affiliation ? occ.v[i].affiliation :
			    "none"));
			if (occ.v[i].jid != NULL)
				json_object_set_new(o, "jid",
				    json_string(occ.v[i].jid));
			if (xt_write_json(stdout, o) < 0)
				P.write_error = errno;
		} else if (xt_opt.format == XT_FMT_XML) {
			if (xt_write_stanza(stdout, XT_FMT_XML, occ.v[i].st) <
			    0)
				P.write_error = errno;
		} else {
			REC(occ.v[i].nick, occ.v[i].role ? occ.v[i].role :
			    "none", occ.v[i].affiliation ?
			    occ.v[i].affiliation : "none", occ.v[i].jid ?
			    occ.v[i].jid : "");
		}
	}
	leave();
	occupants_free();
	return status;
}

/* ---- subject ---- */

static int room_barrier(void);

static struct {
	int got;		/* a subject message came */
	char *text, *nick;
	xmpp_stanza_t *st;
	const char *want;	/* setting: the text we set */
	char id[64];
	int refused;
} subj;

static int
subject_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
	const char *nick, *type = xmpp_stanza_get_type(st), *id, *text;
	xmpp_stanza_t *s;

	(void)conn;
	(void)arg;
	if (!from_room(xmpp_stanza_get_from(st), &nick))
		return 1;
	id = xmpp_stanza_get_id(st);
	if (type != NULL && strcmp(type, "error") == 0) {
		if (subj.want != NULL && id != NULL && strcmp(id, subj.id) ==
		    0) {
			text = xt_error_text(st);
			snprintf(why, sizeof(why), "cannot set the subject of "
			    "'%s': %s%s%s", P.room, xt_error_condition(st),
			    text ? ": " : "", text ? text : "");
			subj.refused = 1;
		}
		return 1;
	}
	/* XEP-0045 7.2.15: the subject, with no body, ends the join. */
	if ((s = xmpp_stanza_get_child_by_name(st, "subject")) == NULL ||
	    xmpp_stanza_get_child_by_name(st, "body") != NULL)
		return 1;
	if (subj.want != NULL && (subj.got == 0 || strcmp(xmpp_stanza_get_from(
	    st), P.occupant) != 0))
		subj.got = 0;
	free(subj.text);
	free(subj.nick);
	if (subj.st != NULL)
		xmpp_stanza_release(subj.st);
	subj.text = xt_stanza_text(s);
	subj.nick = xt_strdup(nick);
	subj.st = xmpp_stanza_clone(st);
	if (subj.want == NULL || (strcmp(xmpp_stanza_get_from(st),
	    P.occupant) == 0 && strcmp(subj.text ? subj.text : "",
	    subj.want) == 0))
		subj.got = 1;
	return 1;
}

static int
subject_done(void *arg)
{
	(void)arg;
	return subj.got || subj.refused;
}

static int
cmd_subject(const char *text)
{
	char *clean = NULL;
	size_t replaced = 0;
	xmpp_stanza_t *m;
	json_t *o;
	int status;

	xmpp_handler_add(xt_session_conn(S), subject_cb, NULL, "message",
	    NULL, NULL);
	if ((status = enter(0)) != 0)
		goto out;
	/* The room sends its subject once we are in. */
	xt_session_doing(S, "waiting for the subject of", P.room);
	status = xt_session_run(S, subject_done, NULL);
	xt_session_doing(S, NULL, NULL);
	if (status != 0)
		goto out;
	if (text == NULL) {
		if (subj.text != NULL && *subj.text != '\0') {
			if (xt_opt.format == XT_FMT_JSON) {
				o = json_object();
				json_object_set_new(o, "subject",
				    json_string(subj.text));
				if (subj.nick && *subj.nick)
					json_object_set_new(o, "nick",
					    json_string(subj.nick));
				if (xt_write_json(stdout, o) < 0)
					P.write_error = errno;
			} else if (xt_opt.format == XT_FMT_XML) {
				if (xt_write_stanza(stdout, XT_FMT_XML,
				    subj.st) < 0)
					P.write_error = errno;
			} else {
				REC(subj.text);
			}
		}
		goto out;
	}
	clean = xt_text_sanitize(text, strlen(text), &replaced);
	if (replaced > 0)
		xt_warn("warning: replaced %zu character%s that XMPP cannot "
		    "carry in the subject with U+FFFD", replaced,
		    replaced == 1 ? "" : "s");
	subj.want = clean;
	subj.got = 0;
	snprintf(subj.id, sizeof(subj.id), "%s-subject", xt_session_id(S));
	m = xmpp_message_new(ctx, "groupchat", P.room, subj.id);
	xt_stanza_add(m, "subject", NULL, clean);
	xt_session_send(S, m);
	xmpp_stanza_release(m);
	/* The room has handled it once it answers a ping after it (a
	 * subject unchanged is told to no one); a refusal comes before. */
	xt_session_doing(S, "waiting for the room to take the subject of",
	    P.room);
	status = room_barrier();
	xt_session_doing(S, NULL, NULL);
	if (status == 0 && subj.refused)
		status = XT_NEGATIVE;
	else if (status == 0)
		xt_info(1, "subject of '%s' set", P.room);
out:
	leave();
	xmpp_handler_delete(xt_session_conn(S), subject_cb);
	free(subj.text);
	free(subj.nick);
	if (subj.st != NULL)
		xmpp_stanza_release(subj.st);
	free(clean);
	return status;
}

/* ---- invitations ---- */

static int invite_refused;

static int
invite_error_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
	const char *nick, *type = xmpp_stanza_get_type(st), *text;
	const char *id = xmpp_stanza_get_id(st);

	(void)conn;
	if (!from_room(xmpp_stanza_get_from(st), &nick) || type == NULL ||
	    strcmp(type, "error") != 0 || id == NULL || strcmp(id, arg) != 0)
		return 1;
	text = xt_error_text(st);
	snprintf(why, sizeof(why), "'%s' refused the invitation: %s%s%s",
	    P.room, xt_error_condition(st), text ? ": " : "", text ? text : "");
	invite_refused = 1;
	return 1;
}

/* A ping to our own occupant passes the room after what we sent before
 * it: its answer proves the room has processed that (XEP-0410). */
static int
room_barrier(void)
{
	xmpp_stanza_t *iq = xt_ping_new(ctx, NULL, P.occupant), *r = NULL;
	int status = xt_iq_request(S, iq, &r);

	xmpp_stanza_release(iq);
	if (r != NULL)
		xmpp_stanza_release(r);
	return status;
}

static int
cmd_invite(const char *jid)
{
	char id[64];
	xmpp_stanza_t *m, *x, *inv;
	int status;

	if ((status = enter(0)) != 0)
		return status;
	snprintf(id, sizeof(id), "%s-invite", xt_session_id(S));
	xmpp_handler_add(xt_session_conn(S), invite_error_cb, NULL, "message",
	    NULL, id);
	m = xmpp_message_new(ctx, NULL, P.room, id);
	x = xt_stanza_add(m, "x", XT_NS_MUC_USER, NULL);
	inv = xt_stanza_add(x, "invite", NULL, NULL);
	xmpp_stanza_set_attribute(inv, "to", jid);
	if (opt.reason != NULL)
		xt_stanza_add(inv, "reason", NULL, opt.reason);
	xt_session_send(S, m);
	xmpp_stanza_release(m);
	status = room_barrier();
	xmpp_handler_delete(xt_session_conn(S), invite_error_cb);
	if (status == 0 && invite_refused)
		status = XT_NEGATIVE;
	if (status == 0)
		xt_info(1, "'%s' invited to '%s'", jid, P.room);
	leave();
	return status;
}

/* ---- roles and affiliations ---- */

static const char *const roles[] = { "moderator", "participant", "visitor",
	"none", NULL };
static const char *const affiliations[] = { "owner", "admin", "member",
	"outcast", "none", NULL };

static int
one_of(const char *s, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strcmp(s, *set) == 0)
			return 1;
	return 0;
}

static int
set_role(const char *nick, const char *role)
{
	int status;

	if ((status = enter(0)) != 0)
		return status;
	status = xt_muc_admin_set(S, P.room, "nick", nick, "role", role,
	    opt.reason, why, sizeof(why));
	/* The room is there (we are in it): not found is the nick. */
	if (status == XT_NEGATIVE && strncmp(why, "room '", 6) == 0)
		snprintf(why, sizeof(why), "no occupant '%s' in '%s'", nick,
		    P.room);
	if (status == 0)
		xt_info(1, "'%s' in '%s' is now %s", nick, P.room, role);
	leave();
	return status;
}

static int
set_affiliation(const char *jid, const char *aff)
{
	int status;

	if ((status = xt_muc_exists(S, P.room, why, sizeof(why))) != 0)
		return status;
	status = xt_muc_admin_set(S, P.room, "jid", jid, "affiliation", aff,
	    opt.reason, why, sizeof(why));
	if (status == 0)
		xt_info(1, "'%s' is now %s of '%s'", jid, aff, P.room);
	return status;
}

static int
cmd_affiliations(const char *only)
{
	static const char *const lists[] = { "owner", "admin", "member",
		"outcast", NULL };
	xmpp_stanza_t *reply, *q, *c;
	const char *jid, *nick;
	json_t *o;
	int status, i;

	if ((status = xt_muc_exists(S, P.room, why, sizeof(why))) != 0)
		return status;
	for (i = 0; lists[i] != NULL && status == 0; i++) {
		if (only != NULL && strcmp(only, lists[i]) != 0)
			continue;
		reply = NULL;
		if ((status = xt_muc_admin_list(S, P.room, lists[i], &reply,
		    why, sizeof(why))) != 0)
			break;
		q = xmpp_stanza_get_child_by_ns(reply, XT_NS_MUC_ADMIN);
		for (c = q ? xmpp_stanza_get_children(q) : NULL; c;
		    c = xmpp_stanza_get_next(c)) {
			if (!xmpp_stanza_is_tag(c) || strcmp(
			    xmpp_stanza_get_name(c), "item") != 0 ||
			    (jid = xmpp_stanza_get_attribute(c, "jid")) == NULL)
				continue;
			nick = xmpp_stanza_get_attribute(c, "nick");
			if (xt_opt.format == XT_FMT_JSON) {
				o = json_object();
				json_object_set_new(o, "jid", json_string(jid));
				json_object_set_new(o, "affiliation",
				    json_string(lists[i]));
				if (nick != NULL)
					json_object_set_new(o, "nick",
					    json_string(nick));
				if (xt_write_json(stdout, o) < 0)
					P.write_error = errno;
			} else if (xt_opt.format == XT_FMT_XML) {
				if (xt_write_stanza(stdout, XT_FMT_XML, c) < 0)
					P.write_error = errno;
			} else {
				REC(jid, lists[i], nick ? nick : "");
			}
		}
		xmpp_stanza_release(reply);
	}
	return status;
}

/* ---- configuration ---- */

/* --config and config's VAR=VALUE arguments, then the shortcuts. */
static int
apply_config(struct xt_form *f, const char *const *sets, int create)
{
	char var[512], err[1024];
	const char *eq;
	size_t i, k;
	int first;

	for (i = 0; sets != NULL && sets[i] != NULL; i++) {
		if ((eq = strchr(sets[i], '=')) == NULL || eq == sets[i]) {
			snprintf(why, sizeof(why), "invalid configuration "
			    "'%s': expected VAR=VALUE", sets[i]);
			return XT_USAGE;
		}
		snprintf(var, sizeof(var), "%.*s", (int)(eq - sets[i]),
		    sets[i]);
		/* The first value given replaces the room's; more add. */
		first = 1;
		for (k = 0; k < i; k++)
			if (strncmp(sets[k], var, strlen(var)) == 0 &&
			    sets[k][strlen(var)] == '=')
				first = 0;
		if (xt_form_set(f, var, eq + 1, CONFIG_PREFIX, !first, err,
		    sizeof(err)) != 0) {
			size_t len = 0;

			len = snprintf(why, sizeof(why), "%s", err);
			if (strncmp(err, "no field", 8) == 0) {
				len += snprintf(why + len, sizeof(why) - len,
				    "; the fields are:");
				for (k = 0; k < f->nfields && len < sizeof(why);
				    k++)
					if (f->fields[k].var != NULL &&
					    (f->fields[k].type == NULL ||
					    (strcmp(f->fields[k].type, "hidden")
					    != 0 && strcmp(f->fields[k].type,
					    "fixed") != 0)))
						len += snprintf(why + len,
						    sizeof(why) - len, " %s",
						    f->fields[k].var);
			}
			return XT_USAGE;
		}
	}
	if (!create)
		return 0;
	if ((opt.persistent && xt_form_set(f, "persistentroom", "1",
	    CONFIG_PREFIX, 0, err, sizeof(err)) != 0) || (opt.members_only &&
	    xt_form_set(f, "membersonly", "1", CONFIG_PREFIX, 0, err,
	    sizeof(err)) != 0) || (room_password != NULL && (xt_form_set(f,
	    "roomsecret", room_password, CONFIG_PREFIX, 0, err,
	    sizeof(err)) != 0 || (xt_form_field(f, CONFIG_PREFIX
	    "passwordprotectedroom") != NULL && xt_form_set(f,
	    "passwordprotectedroom", "1", CONFIG_PREFIX, 0, err,
	    sizeof(err)) != 0)))) {
		snprintf(why, sizeof(why), "%s", err);
		return XT_USAGE;
	}
	return 0;
}

static int
is_true(const struct xt_field *fl)
{
	return fl != NULL && fl->nvalues > 0 && (strcmp(fl->values[0], "1") ==
	    0 || strcmp(fl->values[0], "true") == 0);
}

/* XEP-0045 10.1.3: the new room is not wanted after all. On a session
 * that failed (a timeout), the cancel goes unconfirmed, and the room,
 * empty and not persistent, goes when we leave it too. */
static void
cancel_new_room(int status)
{
	xmpp_stanza_t *iq, *q;

	if (status == XT_NEGATIVE || status == XT_USAGE) {
		xt_muc_owner_cancel(S, P.room);
		return;
	}
	if (!xt_session_online(S))
		return;
	iq = xmpp_iq_new(ctx, "set", xt_session_id(S));
	xmpp_stanza_set_to(iq, P.room);
	q = xt_stanza_add(iq, "query", XT_NS_MUC_OWNER, NULL);
	xt_form_add(q, "cancel", NULL);
	xt_session_send(S, iq);
	xmpp_stanza_release(iq);
}

static int
cmd_create(void)
{
	struct xt_muc_join j;
	struct xt_form *f;
	int status;

	memset(&j, 0, sizeof(j));
	j.room = P.room;
	j.nick = P.nick;
	j.strict_nick = opt.strict_nick;
	j.history = 0;
	j.configure = 1;
	if ((status = xt_muc_enter(S, &j)) != 0) {
		snprintf(why, sizeof(why), "%s", j.why);
		return status;
	}
	snprintf(P.nick, sizeof(P.nick), "%s", j.joined);
	P.joined = 1;
	if (!j.created) {
		snprintf(why, sizeof(why), "'%s' already exists; 'xmpp-muc "
		    "config' changes its configuration", P.room);
		leave();
		return XT_NEGATIVE;
	}
	/* From here the room is new and locked: it is configured, or
	 * cancelled (destroyed), never left locked. */
	if ((f = xt_muc_config_get(S, P.room, &status, why, sizeof(why),
	    NULL)) == NULL) {
		cancel_new_room(status);
		leave();
		return status;
	}
	if ((status = apply_config(f, opt.config, 1)) != 0) {
		cancel_new_room(status);
		xt_form_free(f);
		leave();
		return status;
	}
	status = xt_muc_owner_submit(S, P.room, f, why, sizeof(why));
	if (status != 0)
		cancel_new_room(status);
	if (status == 0) {
		xt_info(1, "created '%s'", P.room);
		if (!is_true(xt_form_field(f, CONFIG_PREFIX "persistentroom")))
			xt_warn("warning: '%s' is not persistent: the server "
			    "removes it when its last occupant leaves "
			    "(--persistent keeps it)", P.room);
	}
	xt_form_free(f);
	leave();
	return status;
}

static int
cmd_config(const char *const *sets)
{
	xmpp_stanza_t *raw = NULL;
	struct xt_field shown;
	const struct xt_field *fl;
	struct xt_form *f;
	char joined[8192];
	size_t i, k, len;
	json_t *o;
	int status;

	if ((status = xt_muc_exists(S, P.room, why, sizeof(why))) != 0)
		return status;
	if ((f = xt_muc_config_get(S, P.room, &status, why, sizeof(why),
	    xt_opt.format == XT_FMT_XML && (sets == NULL || sets[0] == NULL) ?
	    &raw : NULL)) == NULL)
		return status;
	if (sets != NULL && sets[0] != NULL) {
		if ((status = apply_config(f, sets, 0)) == 0 &&
		    (status = xt_muc_owner_submit(S, P.room, f, why,
		    sizeof(why))) == 0)
			xt_info(1, "configuration of '%s' changed", P.room);
		xt_form_free(f);
		return status;
	}
	for (i = 0; i < f->nfields; i++) {
		fl = &f->fields[i];
		if (fl->var == NULL || (fl->type != NULL && (strcmp(fl->type,
		    "hidden") == 0 || strcmp(fl->type, "fixed") == 0)))
			continue;
		if (xt_opt.format == XT_FMT_JSON) {
			/* XEP-0004 3.3: a field without a type is text-single. */
			shown = *fl;
			if (shown.type == NULL)
				shown.type = (char *)"text-single";
			o = xt_form_field_json(&shown);
			if (xt_write_json(stdout, o) < 0)
				P.write_error = errno;
			continue;
		}
		if (xt_opt.format == XT_FMT_XML)
			continue;
		joined[0] = '\0';
		for (k = 0, len = 0; k < fl->nvalues && len < sizeof(joined);
		    k++)
			len += snprintf(joined + len, sizeof(joined) - len,
			    "%s%s", k ? "," : "", fl->values[k]);
		REC(fl->var, fl->type ? fl->type : "text-single", joined,
		    fl->label ? fl->label : "");
	}
	/* The form as the room sent it. */
	if (raw != NULL) {
		if (xt_write_stanza(stdout, XT_FMT_XML, raw) < 0)
			P.write_error = errno;
		xmpp_stanza_release(raw);
	}
	xt_form_free(f);
	return 0;
}

static int
cmd_destroy(void)
{
	int status;

	/* An iq to a room that is not there may create it (ejabberd). */
	if ((status = xt_muc_exists(S, P.room, why, sizeof(why))) != 0)
		return status;
	status = xt_muc_destroy(S, P.room, opt.reason, why, sizeof(why));
	if (status == 0)
		xt_info(1, "destroyed '%s'", P.room);
	return status;
}

/* ---- list ---- */

struct room {
	char *jid, *name;
	long occupants;
};

static struct {
	struct room *v;
	size_t n;
} rooms;

static void
roominfo_cb(struct xt_session *s, xmpp_stanza_t *reply, void *arg)
{
	struct room *r = &rooms.v[(size_t)arg];
	struct xt_disco_info *d;
	const struct xt_form *f;
	const struct xt_field *fl;

	(void)s;
	if (reply == NULL || (d = xt_disco_info_parse(reply)) == NULL)
		return;
	if ((f = xt_disco_form(d, NS_ROOMINFO)) != NULL &&
	    (fl = xt_form_field(f, "muc#roominfo_occupants")) != NULL &&
	    fl->nvalues > 0)
		r->occupants = strtol(fl->values[0], NULL, 10);
	xt_disco_info_free(d);
}

/* 0 if service says it is a multi-user chat service (XEP-0045 6.1:
 * identity conference/text), else XT_NEGATIVE with why. */
static int
is_muc_service(const char *service)
{
	xmpp_stanza_t *iq = xt_disco_new(ctx, NULL, service, NULL, 0), *r = NULL;
	struct xt_disco_info *d;
	int status;

	status = xt_muc_request(S, iq, &r, why, sizeof(why));
	if (status == XT_NEGATIVE && strncmp(why, "room '", 6) == 0)
		snprintf(why, sizeof(why), "no service '%s'", service);
	if (status != 0)
		return status;
	d = xt_disco_info_parse(r);
	xmpp_stanza_release(r);
	if (d == NULL || xt_disco_identity(d, "conference", "text") == NULL) {
		snprintf(why, sizeof(why), "'%s' is not a multi-user chat "
		    "service (no identity conference/text)", service);
		status = XT_NEGATIVE;
	}
	xt_disco_info_free(d);
	return status;
}

static int
cmd_list(const char *service)
{
	struct xt_disco_items *it;
	struct xt_iq_pool *pool;
	xmpp_stanza_t *iq, *reply;
	char *after = NULL, n[32];
	size_t i, before;
	json_t *o;
	int status = 0;

	if ((status = is_muc_service(service)) != 0)
		return status;
	for (;;) {
		iq = xt_disco_items_page(ctx, service, NULL, 100, after);
		reply = NULL;
		status = xt_muc_request(S, iq, &reply, why, sizeof(why));
		free(after);
		after = NULL;
		if (status != 0)
			break;
		it = xt_disco_items_parse(reply);
		xmpp_stanza_release(reply);
		if (it == NULL)
			break;
		before = rooms.n;
		for (i = 0; i < it->n; i++) {
			rooms.v = xt_grow(rooms.v, rooms.n, sizeof(*rooms.v));
			rooms.v[rooms.n].jid = xt_strdup(it->items[i].jid);
			rooms.v[rooms.n].name = xt_strdup(it->items[i].name);
			rooms.v[rooms.n].occupants = -1;
			rooms.n++;
		}
		if (it->last != NULL && it->n > 0 && rooms.n > before &&
		    (it->count < 0 || (long)rooms.n < it->count))
			after = xt_strdup(it->last);
		xt_disco_items_free(it);
		if (after == NULL)
			break;
	}
	if (status == XT_NEGATIVE && strncmp(why, "room '", 6) == 0)
		snprintf(why, sizeof(why), "no service '%s'", service);
	if (status == 0 && rooms.n > 0) {
		/* The occupants, where a room says (muc#roominfo). */
		pool = xt_iq_pool_new(S, 16, 0, xt_opt.timeout_s);
		for (i = 0; i < rooms.n; i++)
			xt_iq_pool_add(pool, xt_disco_new(ctx, NULL,
			    rooms.v[i].jid, NULL, 0), roominfo_cb, (void *)i);
		status = xt_iq_pool_run(pool);
		xt_iq_pool_free(pool);
	}
	for (i = 0; status == 0 && i < rooms.n; i++) {
		snprintf(n, sizeof(n), "%ld", rooms.v[i].occupants);
		if (xt_opt.format == XT_FMT_JSON) {
			o = json_object();
			json_object_set_new(o, "jid",
			    json_string(rooms.v[i].jid));
			if (rooms.v[i].name != NULL)
				json_object_set_new(o, "name",
				    json_string(rooms.v[i].name));
			if (rooms.v[i].occupants >= 0)
				json_object_set_new(o, "occupants",
				    json_integer(rooms.v[i].occupants));
			if (xt_write_json(stdout, o) < 0)
				P.write_error = errno;
		} else {
			REC(rooms.v[i].jid, rooms.v[i].name ? rooms.v[i].name :
			    "", rooms.v[i].occupants >= 0 ? n : "");
		}
	}
	for (i = 0; i < rooms.n; i++) {
		free(rooms.v[i].jid);
		free(rooms.v[i].name);
	}
	free(rooms.v);
	return status;
}

/* ---- start and end ---- */

static const char *const names[] = { "pipe", "occupants", "subject",
	"invite", "kick", "ban", "role", "affiliation", "affiliations",
	"create", "config", "destroy", "list", NULL };

static void
need_args(const char *cmd, int nargs, int min, int max, const char *usage)
{
	if (nargs < min || (max >= 0 && nargs > max))
		xt_die(XT_USAGE, "usage: %s %s %s", xt_progname, cmd, usage);
}

static void
check_args(const char *cmd, const char **args, int nargs)
{
	const char *e;

	if (strcmp(cmd, "list") == 0) {
		need_args(cmd, nargs, 1, 1, "SERVICE");
		check_room("service", args[0], 1);
		return;
	}
	if (strcmp(cmd, "config") == 0)
		need_args(cmd, nargs, 1, -1, "ROOM [VAR=VALUE...]");
	else if (strcmp(cmd, "subject") == 0)
		need_args(cmd, nargs, 1, 2, "ROOM [TEXT]");
	else if (strcmp(cmd, "invite") == 0 || strcmp(cmd, "ban") == 0)
		need_args(cmd, nargs, 2, 2, "ROOM JID");
	else if (strcmp(cmd, "kick") == 0)
		need_args(cmd, nargs, 2, 2, "ROOM NICK");
	else if (strcmp(cmd, "role") == 0)
		need_args(cmd, nargs, 3, 3, "ROOM NICK moderator|participant|"
		    "visitor|none");
	else if (strcmp(cmd, "affiliation") == 0)
		need_args(cmd, nargs, 3, 3, "ROOM JID owner|admin|member|"
		    "outcast|none");
	else if (strcmp(cmd, "affiliations") == 0)
		need_args(cmd, nargs, 1, 2, "ROOM [owner|admin|member|outcast]");
	else
		need_args(cmd, nargs, 1, 1, "ROOM");
	check_room("room", args[0], 0);
	if ((strcmp(cmd, "invite") == 0 || strcmp(cmd, "ban") == 0 ||
	    strcmp(cmd, "affiliation") == 0) && !xt_jid_valid(args[1], &e))
		xt_die(XT_USAGE, "invalid JID '%s': %s", args[1], e);
	if (strcmp(cmd, "role") == 0 && !one_of(args[2], roles))
		xt_die(XT_USAGE, "invalid role '%s': expected moderator, "
		    "participant, visitor or none", args[2]);
	if (strcmp(cmd, "affiliation") == 0 && !one_of(args[2], affiliations))
		xt_die(XT_USAGE, "invalid affiliation '%s': expected owner, "
		    "admin, member, outcast or none", args[2]);
	if (strcmp(cmd, "affiliations") == 0 && nargs == 2 &&
	    (!one_of(args[1], affiliations) || strcmp(args[1], "none") == 0))
		xt_die(XT_USAGE, "invalid affiliation '%s': expected owner, "
		    "admin, member or outcast", args[1]);
	if (strcmp(cmd, "pipe") != 0 && (opt.history || opt.since ||
	    opt.echo || opt.stay || opt.self_ping || opt.retries))
		xt_die(XT_USAGE, "--history, --since, --echo, --stay, "
		    "--self-ping and --retries are for the pipe");
	if (strcmp(cmd, "create") != 0 && (opt.config || opt.persistent ||
	    opt.members_only))
		xt_die(XT_USAGE, "--config, --persistent and --members-only "
		    "are for create ('config ROOM VAR=VALUE' changes a room)");
}

static int
run(const char *cmd, const char **args)
{
	if (strcmp(cmd, "pipe") == 0)
		return cmd_pipe();
	if (strcmp(cmd, "occupants") == 0)
		return cmd_occupants();
	if (strcmp(cmd, "subject") == 0)
		return cmd_subject(args[1]);
	if (strcmp(cmd, "invite") == 0)
		return cmd_invite(args[1]);
	if (strcmp(cmd, "kick") == 0)
		return set_role(args[1], "none");
	if (strcmp(cmd, "role") == 0)
		return set_role(args[1], args[2]);
	if (strcmp(cmd, "ban") == 0)
		return set_affiliation(args[1], "outcast");
	if (strcmp(cmd, "affiliation") == 0)
		return set_affiliation(args[1], args[2]);
	if (strcmp(cmd, "affiliations") == 0)
		return cmd_affiliations(args[1]);
	if (strcmp(cmd, "create") == 0)
		return cmd_create();
	if (strcmp(cmd, "config") == 0)
		return cmd_config(args + 1);
	if (strcmp(cmd, "destroy") == 0)
		return cmd_destroy();
	return cmd_list(args[0]);
}

int
main(int argc, const char **argv)
{
	static const char *none[] = { NULL };
	poptContext pc;
	const char **args, **av, *cmd;
	char what[4200], *folded;
	int status, nargs;

	xt_init(argv[0]);
	xt_set_commands(names);
	/* --config is the room's (create ROOM --config VAR=VALUE); the
	 * config file is -F FILE, or --config-file FILE. */
	xt_conn_rename("config", "config-file");
	pc = xt_parse_args(argc, argv, table, "[COMMAND] ROOM [ARG...]");
	args = poptGetArgs(pc);
	if (args == NULL || args[0] == NULL)
		xt_die(XT_USAGE, "which room? try '%s --help'", xt_progname);
	/* A room alone is the pipe. */
	if (strchr(args[0], '@') != NULL) {
		cmd = "pipe";
	} else {
		cmd = args[0];
		if (!one_of(cmd, names))
			xt_die(XT_USAGE, "unknown command '%s'; expected a "
			    "ROOM, or pipe, occupants, subject, invite, kick, "
			    "ban, role, affiliation, affiliations, create, "
			    "config, destroy or list", cmd);
		args = args[1] ? args + 1 : none;
	}
	for (nargs = 0; args[nargs] != NULL; nargs++)
		;
	check_args(cmd, args, nargs);
	xt_opts_finish(XT_FMT_TEXT);
	if (xt_opt.format == XT_FMT_CSV)
		xt_die(XT_USAGE, "-o csv is not one of this tool's formats: "
		    "use text, json or xml");
	/* Case and a trailing dot as the server folds them: what the room
	 * sends is compared with it. */
	xt_jid_strip_dot((char *)args[0]);
	if ((folded = xt_jid_fold(args[0])) == NULL)
		xt_die(XT_USAGE, "invalid %s '%s': not UTF-8", strcmp(cmd,
		    "list") == 0 ? "service" : "room", args[0]);
	/* popt owns its array: ours, with the folded JID first. */
	if ((av = calloc(nargs + 1, sizeof(*av))) == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	memcpy(av, args, nargs * sizeof(*av));
	av[0] = folded;
	args = av;
	if (strcmp(cmd, "list") != 0)
		P.room = folded;
	if (opt.history)
		P.history = xt_parse_whole("--history", opt.history, 0, 1e6);
	if (opt.since)
		P.since = xt_parse_since("--since", opt.since);
	if (opt.self_ping)
		P.self_ping = xt_parse_number("--self-ping", opt.self_ping, 0,
		    86400);
	if (opt.retries)
		P.retries = xt_parse_whole("--retries", opt.retries, 0, 1e9);
	if (opt.room_password_file != NULL) {
		snprintf(what, sizeof(what), "--room-password-file '%s'",
		    opt.room_password_file);
		room_password = xt_account_secret_file(opt.room_password_file,
		    what);
		if (*room_password == '\0')
			xt_die(XT_CONFIG, "%s is empty", what);
	}
	default_nick();
	/* What prints its results needs a stdout; a change does not. */
	if (strcmp(cmd, "pipe") == 0 || strcmp(cmd, "occupants") == 0 ||
	    strcmp(cmd, "affiliations") == 0 || strcmp(cmd, "list") == 0 ||
	    (strcmp(cmd, "subject") == 0 && nargs == 1) ||
	    (strcmp(cmd, "config") == 0 && nargs == 1))
		xt_need_stdout();
	xt_account_password(&xt_opt);
	S = xt_session_new();
	ctx = xt_session_ctx(S);
	status = xt_session_connect(S);
	/* The pipe logs in again after an outage: it keeps the password
	 * until the end of the run. */
	if (strcmp(cmd, "pipe") != 0)
		xt_account_forget(&xt_opt);
	if (status == 0)
		status = run(cmd, args);
	xt_account_forget(&xt_opt);
	if (status == XT_NEGATIVE && *why != '\0')
		xt_error("%s", why);
	else if (status == XT_USAGE && *why != '\0')
		xt_error("%s", why);
	else if (status != 0 && xt_session_error(S) != NULL && !P.error_shown)
		xt_error("%s", xt_session_error(S));
	/* `| head -1`: a quiet end. */
	if (P.write_error == EPIPE) {
		P.write_error = 0;
		P.out_gone = 1;
	}
	if (P.write_error && status == 0) {
		xt_error("cannot write to standard output: %s",
		    xt_strerror(P.write_error));
		status = XT_IOERR;
	}
	xt_session_close(S);
	xt_session_free(S);
	free(room_password);
	free(folded);
	free(av);
	poptFreeContext(pc);
	if (!P.out_gone)
		xt_close_stdout();
	return status;
}
