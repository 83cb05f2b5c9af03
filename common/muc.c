/* SPDX-License-Identifier: GPL-3.0-or-later */
/* muc.c: multi-user chat rooms (XEP-0045): joining and leaving, what an
 * occupant's presence says, and the admin and owner requests. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xt.h"

#define MAX_TRIES 5

struct join {
	struct xt_muc_join *j;
	char occupant[3200];	/* room/nick we asked for */
	int done;		/* 1 joined, -1 refused */
	int subject;		/* the room's subject came */
	char cond[64];
	char text[256];
};

int
xt_muc_has_status(xmpp_stanza_t *st, const char *code)
{
	xmpp_stanza_t *x = xmpp_stanza_get_child_by_ns(st, XT_NS_MUC_USER), *c;
	const char *v;

	for (c = x ? xmpp_stanza_get_children(x) : NULL; c;
	    c = xmpp_stanza_get_next(c))
		if (xmpp_stanza_is_tag(c) &&
		    strcmp(xmpp_stanza_get_name(c), "status") == 0 &&
		    (v = xmpp_stanza_get_attribute(c, "code")) != NULL &&
		    strcmp(v, code) == 0)
			return 1;
	return 0;
}

xmpp_stanza_t *
xt_muc_item(xmpp_stanza_t *st)
{
	xmpp_stanza_t *x = xmpp_stanza_get_child_by_ns(st, XT_NS_MUC_USER);

	return x ? xmpp_stanza_get_child_by_name(x, "item") : NULL;
}

int
xt_muc_is_self(xmpp_stanza_t *st, const char *occupant)
{
	const char *from = xmpp_stanza_get_from(st);

	/* Status 110 says so; the occupant JID when a server omits it. */
	return xt_muc_has_status(st, "110") || (from != NULL &&
	    occupant != NULL && strcmp(from, occupant) == 0);
}

const char *
xt_muc_removal(xmpp_stanza_t *st, char *buf, size_t len)
{
	xmpp_stanza_t *x = xmpp_stanza_get_child_by_ns(st, XT_NS_MUC_USER);
	xmpp_stanza_t *d = x ? xmpp_stanza_get_child_by_name(x, "destroy") :
	    NULL, *item = xt_muc_item(st);
	const char *type = xmpp_stanza_get_type(st), *what = NULL;
	char *reason = NULL, *actor = NULL;
	xmpp_stanza_t *a;

	if (type == NULL || strcmp(type, "unavailable") != 0)
		return NULL;
	if (d != NULL) {
		what = "the room was destroyed";
		reason = xt_stanza_child_text(d, "reason");
	} else if (xt_muc_has_status(st, "301")) {
		what = "banned";
	} else if (xt_muc_has_status(st, "307")) {
		what = "kicked";
	} else if (xt_muc_has_status(st, "321")) {
		what = "no longer a member";
	} else if (xt_muc_has_status(st, "322")) {
		what = "the room is members-only now";
	} else if (xt_muc_has_status(st, "332")) {
		what = "the service is shutting down";
	} else if (xt_muc_has_status(st, "333")) {
		what = "a technical problem";
	} else {
		return NULL;
	}
	if (reason == NULL && item != NULL)
		reason = xt_stanza_child_text(item, "reason");
	if (item != NULL && (a = xmpp_stanza_get_child_by_name(item,
	    "actor")) != NULL) {
		const char *an = xmpp_stanza_get_attribute(a, "nick");

		if (an == NULL)
			an = xmpp_stanza_get_attribute(a, "jid");
		actor = an ? xt_strdup(an) : NULL;
	}
	snprintf(buf, len, "%s%s%s%s", what, actor ? " by '" : "",
	    actor ? actor : "", actor ? "'" : "");
	if (reason != NULL && *reason != '\0')
		snprintf(buf + strlen(buf), len - strlen(buf), ": %s", reason);
	free(reason);
	free(actor);
	return buf;
}

static int
presence_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
	struct join *jn = arg;
	const char *from = xmpp_stanza_get_from(st);
	const char *type = xmpp_stanza_get_type(st), *text;
	size_t rl = strlen(jn->j->room);

	(void)conn;
	if (jn->done || from == NULL || strncmp(from, jn->j->room, rl) != 0 ||
	    from[rl] != '/')
		return 1;
	if (type != NULL && strcmp(type, "error") == 0) {
		if (strcmp(from, jn->occupant) != 0)
			return 1;
		snprintf(jn->cond, sizeof(jn->cond), "%s",
		    xt_error_condition(st));
		text = xt_error_text(st);
		snprintf(jn->text, sizeof(jn->text), "%s", text ? text : "");
		jn->done = -1;
		return 1;
	}
	/* One who leaves while we join: the caller forgets them. */
	if (type != NULL && strcmp(type, "unavailable") == 0) {
		if (jn->j->on_presence != NULL)
			jn->j->on_presence(st, jn->j->arg);
		return 1;
	}
	/* XEP-0045 7.2.3: the occupants' presences, then our own, marked
	 * 110 (the service may have changed our nick: 210). */
	if (xt_muc_is_self(st, jn->occupant)) {
		jn->j->created = xt_muc_has_status(st, "201");
		snprintf(jn->j->joined, sizeof(jn->j->joined), "%s",
		    from + rl + 1);
		jn->done = 1;
	}
	if (jn->j->on_presence != NULL)
		jn->j->on_presence(st, jn->j->arg);
	return 1;
}

/* XEP-0045 7.2.15: the subject (with no body) comes after the history:
 * the room has sent all it will on joining. */
static int
subject_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
	struct join *jn = arg;
	const char *from = xmpp_stanza_get_from(st);
	size_t rl = strlen(jn->j->room);

	(void)conn;
	if (from != NULL && strncmp(from, jn->j->room, rl) == 0 &&
	    (from[rl] == '\0' || from[rl] == '/') &&
	    xmpp_stanza_get_child_by_name(st, "subject") != NULL &&
	    xmpp_stanza_get_child_by_name(st, "body") == NULL)
		jn->subject = 1;
	return 1;
}

static int
join_done(void *arg)
{
	struct join *jn = arg;

	return jn->done < 0 || (jn->done > 0 && (!jn->j->until_subject ||
	    jn->subject));
}

/* What a person can act on, for each refusal (XEP-0045 7.2). */
static const char *
reason(const char *cond)
{
	static const struct {
		const char *cond, *why;
	} map[] = {
		{ "not-authorized", "a password is required, or it is wrong" },
		{ "registration-required", "the room is members-only" },
		{ "forbidden", "you are banned from the room" },
		/* A room that does not exist is created by joining it: one
		 * that is not found is locked (XEP-0045 10.1.1). */
		{ "item-not-found", "the room is locked: its owner has not "
		    "configured it yet" },
		{ "not-allowed", "you may not create rooms on this service" },
		{ "service-unavailable", "the room is full" },
		{ "jid-malformed", "the nickname is not acceptable" },
		{ "not-acceptable", "the nickname is reserved or refused" },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].cond, cond) == 0)
			return map[i].why;
	return cond;
}

static void
send_join(struct xt_session *s, struct join *jn)
{
	char n[32];
	xmpp_ctx_t *ctx = xt_session_ctx(s);
	xmpp_stanza_t *p = xmpp_presence_new(ctx), *x, *h;

	xmpp_stanza_set_to(p, jn->occupant);
	x = xt_stanza_add(p, "x", XT_NS_MUC, NULL);
	/* XEP-0045 7.2.13: how much of the room's past to replay. */
	h = xt_stanza_add(x, "history", NULL, NULL);
	if (jn->j->history >= 0 || jn->j->since <= 0) {
		snprintf(n, sizeof(n), "%ld", jn->j->history > 0 ?
		    jn->j->history : 0);
		xmpp_stanza_set_attribute(h, "maxstanzas", n);
	}
	if (jn->j->since > 0) {
		xt_datetime_format((time_t)jn->j->since, n, sizeof(n));
		xmpp_stanza_set_attribute(h, "since", n);
	}
	if (jn->j->password != NULL)
		xt_stanza_add(x, "password", NULL, jn->j->password);
	xt_session_send(s, p);
	xmpp_stanza_release(p);
}

int
xt_muc_owner_submit(struct xt_session *s, const char *room,
    const struct xt_form *f, char *why, size_t whylen)
{
	xmpp_ctx_t *ctx = xt_session_ctx(s);
	xmpp_stanza_t *iq = xmpp_iq_new(ctx, "set", NULL), *q;

	xmpp_stanza_set_to(iq, room);
	q = xt_stanza_add(iq, "query", XT_NS_MUC_OWNER, NULL);
	if (f != NULL)
		xt_form_add_submit(q, f);
	else
		xt_form_add(q, "submit", NULL);	/* XEP-0045 10.1.2 */
	return xt_muc_request(s, iq, NULL, why, whylen);
}

int
xt_muc_enter(struct xt_session *s, struct xt_muc_join *j)
{
	struct join jn;
	int tries, status;

	j->why[0] = '\0';
	j->created = 0;
	for (tries = 0; tries < MAX_TRIES; tries++) {
		memset(&jn, 0, sizeof(jn));
		jn.j = j;
		if (tries == 0)
			snprintf(jn.occupant, sizeof(jn.occupant), "%s/%s",
			    j->room, j->nick);
		else
			snprintf(jn.occupant, sizeof(jn.occupant), "%s/%s-%d",
			    j->room, j->nick, tries + 1);
		xmpp_handler_add(xt_session_conn(s), presence_cb, NULL,
		    "presence", NULL, &jn);
		xmpp_handler_add(xt_session_conn(s), subject_cb, NULL,
		    "message", NULL, &jn);
		send_join(s, &jn);
		xt_session_doing(s, "joining", j->room);
		status = xt_session_run(s, join_done, &jn);
		xt_session_doing(s, NULL, NULL);
		xmpp_handler_delete(xt_session_conn(s), presence_cb);
		xmpp_handler_delete(xt_session_conn(s), subject_cb);
		if (status != 0)
			return status;
		if (jn.done == 1)
			break;
		if (strcmp(jn.cond, "conflict") != 0) {
			snprintf(j->why, sizeof(j->why), "cannot join '%s': "
			    "%s%s%s", j->room, reason(jn.cond), *jn.text ?
			    ": " : "", jn.text);
			return XT_NEGATIVE;
		}
		if (j->strict_nick) {
			snprintf(j->why, sizeof(j->why), "cannot join '%s': "
			    "the nickname '%s' is taken", j->room, j->nick);
			return XT_NEGATIVE;
		}
		xt_info(1, "nickname '%s' is taken in '%s'", strchr(jn.occupant,
		    '/') + 1, j->room);
	}
	if (jn.done != 1) {
		snprintf(j->why, sizeof(j->why), "cannot join '%s': every "
		    "nickname tried is taken", j->room);
		return XT_NEGATIVE;
	}
	xt_info(1, "joined '%s' as '%s'%s", j->room, j->joined, j->created ?
	    " (a new room)" : "");
	/* A new room is locked until its owner accepts the defaults: no
	 * one else could join it. */
	if (j->created && !j->configure && (status = xt_muc_owner_submit(s,
	    j->room, NULL, j->why, sizeof(j->why))) != 0)
		return status;
	return 0;
}

int
xt_muc_join(struct xt_session *s, const char *room, const char *nick,
    const char *password, int history, char *joined, size_t joinedlen,
    char *why, size_t whylen)
{
	struct xt_muc_join j;
	int status;

	memset(&j, 0, sizeof(j));
	j.room = room;
	j.nick = nick;
	j.password = password;
	j.history = history;
	status = xt_muc_enter(s, &j);
	snprintf(joined, joinedlen, "%s", j.joined);
	snprintf(why, whylen, "%s", j.why);
	return status;
}

void
xt_muc_leave(struct xt_session *s, const char *room, const char *nick)
{
	xmpp_stanza_t *p = xmpp_presence_new(xt_session_ctx(s));
	char to[3200];

	snprintf(to, sizeof(to), "%s/%s", room, nick);
	xmpp_stanza_set_to(p, to);
	xmpp_stanza_set_type(p, "unavailable");
	xt_session_send(s, p);
	xmpp_stanza_release(p);
}

/* ---- requests to a room ---- */

int
xt_muc_exists(struct xt_session *s, const char *room, char *why,
    size_t whylen)
{
	xmpp_stanza_t *iq = xt_disco_new(xt_session_ctx(s), NULL, room, NULL,
	    0), *r = NULL;
	int status = xt_iq_request(s, iq, &r);

	xmpp_stanza_release(iq);
	if (status != 0)
		return status;
	/* Joining creates a room: one that is not there must not be. */
	if (strcmp(xmpp_stanza_get_type(r), "error") == 0 &&
	    (strcmp(xt_error_condition(r), "item-not-found") == 0 ||
	    strcmp(xt_error_condition(r), "gone") == 0)) {
		snprintf(why, whylen, "room '%s' does not exist", room);
		status = XT_NEGATIVE;
	}
	xmpp_stanza_release(r);
	return status;
}

int
xt_muc_request(struct xt_session *s, xmpp_stanza_t *iq,
    xmpp_stanza_t **reply, char *why, size_t whylen)
{
	xmpp_stanza_t *r = NULL;
	const char *text, *cond;
	int status = xt_iq_request(s, iq, &r);

	if (status != 0) {
		xmpp_stanza_release(iq);
		return status;
	}
	if (strcmp(xmpp_stanza_get_type(r), "result") != 0) {
		text = xt_error_text(r);
		cond = xt_error_condition(r);
		/* A room that is not there, or no more (XEP-0045 10.9). */
		if (strcmp(cond, "item-not-found") == 0 ||
		    strcmp(cond, "gone") == 0)
			snprintf(why, whylen, "room '%s' does not exist%s%s%s",
			    xmpp_stanza_get_to(iq), text ? " (" : "",
			    text ? text : "", text ? ")" : "");
		else
			snprintf(why, whylen, "'%s' refused: %s%s%s",
			    xmpp_stanza_get_to(iq), cond, text ? ": " : "",
			    text ? text : "");
		xmpp_stanza_release(r);
		xmpp_stanza_release(iq);
		return XT_NEGATIVE;
	}
	xmpp_stanza_release(iq);
	if (reply != NULL)
		*reply = r;
	else
		xmpp_stanza_release(r);
	return 0;
}

int
xt_muc_admin_set(struct xt_session *s, const char *room, const char *key,
    const char *keyval, const char *attr, const char *value,
    const char *why_text, char *why, size_t whylen)
{
	xmpp_ctx_t *ctx = xt_session_ctx(s);
	xmpp_stanza_t *iq = xmpp_iq_new(ctx, "set", NULL), *q, *item;

	xmpp_stanza_set_to(iq, room);
	q = xt_stanza_add(iq, "query", XT_NS_MUC_ADMIN, NULL);
	item = xt_stanza_add(q, "item", NULL, NULL);
	xmpp_stanza_set_attribute(item, key, keyval);
	xmpp_stanza_set_attribute(item, attr, value);
	if (why_text != NULL)
		xt_stanza_add(item, "reason", NULL, why_text);
	return xt_muc_request(s, iq, NULL, why, whylen);
}

int
xt_muc_admin_list(struct xt_session *s, const char *room,
    const char *affiliation, xmpp_stanza_t **reply, char *why, size_t whylen)
{
	xmpp_ctx_t *ctx = xt_session_ctx(s);
	xmpp_stanza_t *iq = xmpp_iq_new(ctx, "get", NULL), *q, *item;

	xmpp_stanza_set_to(iq, room);
	q = xt_stanza_add(iq, "query", XT_NS_MUC_ADMIN, NULL);
	item = xt_stanza_add(q, "item", NULL, NULL);
	xmpp_stanza_set_attribute(item, "affiliation", affiliation);
	return xt_muc_request(s, iq, reply, why, whylen);
}

struct xt_form *
xt_muc_config_get(struct xt_session *s, const char *room, int *status,
    char *why, size_t whylen, xmpp_stanza_t **raw)
{
	xmpp_ctx_t *ctx = xt_session_ctx(s);
	xmpp_stanza_t *iq = xmpp_iq_new(ctx, "get", NULL), *q, *reply = NULL;
	xmpp_stanza_t *c;
	struct xt_form *f = NULL;

	xmpp_stanza_set_to(iq, room);
	xt_stanza_add(iq, "query", XT_NS_MUC_OWNER, NULL);
	if ((*status = xt_muc_request(s, iq, &reply, why, whylen)) != 0)
		return NULL;
	q = xmpp_stanza_get_child_by_ns(reply, XT_NS_MUC_OWNER);
	for (c = q ? xmpp_stanza_get_children(q) : NULL; c != NULL && f ==
	    NULL; c = xmpp_stanza_get_next(c))
		if ((f = xt_form_parse(c)) != NULL && raw != NULL)
			*raw = xmpp_stanza_clone(c);
	xmpp_stanza_release(reply);
	if (f == NULL) {
		snprintf(why, whylen, "'%s' sent no configuration form", room);
		*status = XT_NEGATIVE;
	}
	return f;
}

int
xt_muc_owner_cancel(struct xt_session *s, const char *room)
{
	xmpp_ctx_t *ctx = xt_session_ctx(s);
	xmpp_stanza_t *iq = xmpp_iq_new(ctx, "set", NULL), *q;
	char why[512];

	xmpp_stanza_set_to(iq, room);
	q = xt_stanza_add(iq, "query", XT_NS_MUC_OWNER, NULL);
	/* XEP-0045 10.1.3: cancelling the first form destroys the room. */
	xt_form_add(q, "cancel", NULL);
	return xt_muc_request(s, iq, NULL, why, sizeof(why));
}

int
xt_muc_destroy(struct xt_session *s, const char *room, const char *why_text,
    char *why, size_t whylen)
{
	xmpp_ctx_t *ctx = xt_session_ctx(s);
	xmpp_stanza_t *iq = xmpp_iq_new(ctx, "set", NULL), *q, *d;

	xmpp_stanza_set_to(iq, room);
	q = xt_stanza_add(iq, "query", XT_NS_MUC_OWNER, NULL);
	d = xt_stanza_add(q, "destroy", NULL, NULL);
	if (why_text != NULL)
		xt_stanza_add(d, "reason", NULL, why_text);
	return xt_muc_request(s, iq, NULL, why, whylen);
}
