/* SPDX-License-Identifier: GPL-3.0-or-later */
/* muc.c: joining and leaving multi-user chat rooms (XEP-0045). */
#include <stdlib.h>
#include <string.h>

#include "xt.h"

#define NS_MUC "http://jabber.org/protocol/muc"
#define NS_MUC_USER "http://jabber.org/protocol/muc#user"
#define NS_MUC_OWNER "http://jabber.org/protocol/muc#owner"
#define MAX_TRIES 5

struct join {
	char occupant[3200];	/* room/nick we asked for */
	int done;		/* 1 joined, -1 refused */
	int created;		/* status 201: a new, locked room */
	char cond[64];
	char text[256];
};

static int
has_status(xmpp_stanza_t *st, const char *code)
{
	xmpp_stanza_t *x = xmpp_stanza_get_child_by_ns(st, NS_MUC_USER), *c;
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

static int
presence_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
	struct join *j = arg;
	const char *from = xmpp_stanza_get_from(st);
	const char *type = xmpp_stanza_get_type(st), *text;

	(void)conn;
	if (j->done || from == NULL || strcmp(from, j->occupant) != 0)
		return 1;
	if (type != NULL && strcmp(type, "error") == 0) {
		snprintf(j->cond, sizeof(j->cond), "%s",
		    xt_error_condition(st));
		text = xt_error_text(st);
		snprintf(j->text, sizeof(j->text), "%s", text ? text : "");
		j->done = -1;
	} else if (type == NULL || strcmp(type, "unavailable") != 0) {
		/* Our own presence comes last, after the occupants'. */
		j->created = has_status(st, "201");
		j->done = 1;
	}
	return 1;
}

static int
join_done(void *arg)
{
	return ((struct join *)arg)->done != 0;
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
		{ "item-not-found", "the room does not exist" },
		{ "not-allowed", "you may not create the room" },
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
send_join(struct xt_session *s, struct join *j, const char *password,
    int history)
{
	char n[16];
	xmpp_ctx_t *ctx = xt_session_ctx(s);
	xmpp_stanza_t *p = xmpp_presence_new(ctx), *x, *h;

	xmpp_stanza_set_to(p, j->occupant);
	x = xt_stanza_add(p, "x", NS_MUC, NULL);
	/* XEP-0045 7.2.13: how much of the room's past to replay. */
	h = xt_stanza_add(x, "history", NULL, NULL);
	snprintf(n, sizeof(n), "%d", history);
	xmpp_stanza_set_attribute(h, "maxstanzas", n);
	if (password != NULL)
		xt_stanza_add(x, "password", NULL, password);
	xt_session_send(s, p);
	xmpp_stanza_release(p);
}

/* A new room is locked until its owner accepts the defaults. */
static int
unlock_room(struct xt_session *s, const char *room)
{
	xmpp_ctx_t *ctx = xt_session_ctx(s);
	xmpp_stanza_t *iq = xmpp_iq_new(ctx, "set", NULL), *q, *reply = NULL;
	int status;

	xmpp_stanza_set_to(iq, room);
	q = xt_stanza_add(iq, "query", NS_MUC_OWNER, NULL);
	xt_form_add(q, "submit", NULL);
	status = xt_iq_request(s, iq, &reply);
	xmpp_stanza_release(iq);
	if (reply != NULL)
		xmpp_stanza_release(reply);
	return status;
}

int
xt_muc_join(struct xt_session *s, const char *room, const char *nick,
    const char *password, int history, char *joined, size_t joinedlen,
    char *why, size_t whylen)
{
	struct join j;
	int tries, status;

	for (tries = 0; tries < MAX_TRIES; tries++) {
		memset(&j, 0, sizeof(j));
		if (tries == 0)
			snprintf(j.occupant, sizeof(j.occupant), "%s/%s", room,
			    nick);
		else
			snprintf(j.occupant, sizeof(j.occupant), "%s/%s-%d",
			    room, nick, tries + 1);
		xmpp_handler_add(xt_session_conn(s), presence_cb, NULL,
		    "presence", NULL, &j);
		send_join(s, &j, password, history);
		status = xt_session_run(s, join_done, &j);
		xmpp_handler_delete(xt_session_conn(s), presence_cb);
		if (status != 0)
			return status;
		if (j.done == 1)
			break;
		if (strcmp(j.cond, "conflict") != 0) {
			snprintf(why, whylen, "cannot join '%s': %s%s%s", room,
			    reason(j.cond), *j.text ? ": " : "", j.text);
			return XT_NEGATIVE;
		}
		xt_info(1, "nickname '%s' is taken in '%s'", strchr(j.occupant,
		    '/') + 1, room);
	}
	if (j.done != 1) {
		snprintf(why, whylen, "cannot join '%s': every nickname tried "
		    "is taken", room);
		return XT_NEGATIVE;
	}
	snprintf(joined, joinedlen, "%s", strchr(j.occupant, '/') + 1);
	xt_info(1, "joined '%s' as '%s'", room, joined);
	if (j.created && (status = unlock_room(s, room)) != 0)
		return status;
	return 0;
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
