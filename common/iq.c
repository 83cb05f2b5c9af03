/* SPDX-License-Identifier: GPL-3.0-or-later */
/* iq.c: iq request/response (RFC 6120 8.2.3) and the delivery barrier. */
#include <stdlib.h>
#include <string.h>

#include "xt.h"

#define NS_PING "urn:xmpp:ping"
#define NS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"

struct pending {
	struct pending *next;
	struct xt_session *s;
	xt_iq_cb cb;
	void *arg;
	char *id;
	char *to;		/* NULL: our own account or server */
};

static struct pending *pendings;

/* Namespaces a tool answers itself (xt_iq_on). */
struct on_ns {
	struct on_ns *next;
	struct xt_session *s;
	char *ns;
	xt_iq_handler fn;
	void *arg;
};

static struct on_ns *handlers;

static void
pending_free(struct pending *p)
{
	struct pending **pp;

	for (pp = &pendings; *pp != NULL; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	free(p->id);
	free(p->to);
	free(p);
}

/* Compare JIDs, ignoring case in the domain would need PRECIS; servers
 * echo what we sent, so byte equality is what they produce. */
static int
same_jid(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* RFC 6120 10.3.3: a reply to a stanza without "to" (or to our bare
 * JID) comes from the server with no "from", our bare JID or domain. */
static int
from_ok(struct pending *p, const char *from)
{
	const char *me = xt_session_jid(p->s), *dom = xt_session_domain(p->s);
	size_t barelen = me ? strcspn(me, "/") : 0;

	if (p->to != NULL && same_jid(from, p->to))
		return 1;
	if (p->to != NULL && !(me != NULL && strlen(p->to) == barelen &&
	    strncmp(p->to, me, barelen) == 0))
		return 0;
	return from == NULL || same_jid(from, dom) || same_jid(from, me) ||
	    (me != NULL && strlen(from) == barelen &&
	    strncmp(from, me, barelen) == 0);
}

static int
reply_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
	struct pending *p = arg;
	const char *type = xmpp_stanza_get_type(st);
	const char *name = xmpp_stanza_get_name(st);

	(void)conn;
	/* xmpp_id_handler_add() fires for any stanza with this id. */
	if (strcmp(name, "iq") != 0 || type == NULL ||
	    (strcmp(type, "result") != 0 && strcmp(type, "error") != 0))
		return 1;
	if (!from_ok(p, xmpp_stanza_get_from(st))) {
		xt_info(1, "ignoring a reply to '%s' from '%s'", p->id,
		    xmpp_stanza_get_from(st));
		return 1;
	}
	p->cb(p->s, st, p->arg);
	pending_free(p);
	return 0;
}

void
xt_iq_send(struct xt_session *s, xmpp_stanza_t *iq, xt_iq_cb cb, void *arg)
{
	struct pending *p = calloc(1, sizeof(*p));
	const char *id = xmpp_stanza_get_id(iq);
	const char *to = xmpp_stanza_get_to(iq);

	if (p == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	if (id == NULL) {
		xmpp_stanza_set_id(iq, xt_session_id(s));
		id = xmpp_stanza_get_id(iq);
	}
	p->s = s;
	p->cb = cb;
	p->arg = arg;
	p->id = strdup(id);
	p->to = to ? strdup(to) : NULL;
	p->next = pendings;
	pendings = p;
	xmpp_id_handler_add(xt_session_conn(s), reply_cb, p->id, p);
	xt_session_send(s, iq);
}

void
xt_iq_cancel(struct xt_session *s, const char *id)
{
	struct pending *p;

	for (p = pendings; p != NULL; p = p->next)
		if (p->s == s && strcmp(p->id, id) == 0) {
			xmpp_id_handler_delete(xt_session_conn(s), reply_cb,
			    p->id);
			pending_free(p);
			return;
		}
}

static void
handlers_forget(struct xt_session *s)
{
	struct on_ns **hp = &handlers, *h;

	while ((h = *hp) != NULL) {
		if (h->s == s) {
			*hp = h->next;
			free(h->ns);
			free(h);
		} else {
			hp = &h->next;
		}
	}
}

void
xt_iq_release(struct xt_session *s)
{
	xt_iq_forget(s);
	handlers_forget(s);
}

void
xt_iq_forget(struct xt_session *s)
{
	struct pending *p = pendings, *next;

	for (; p != NULL; p = next) {
		next = p->next;
		if (p->s == s) {
			xmpp_id_handler_delete(xt_session_conn(s), reply_cb,
			    p->id);
			pending_free(p);
		}
	}
}

struct request {
	xmpp_stanza_t *reply;
	int done;
};

static void
request_cb(struct xt_session *s, xmpp_stanza_t *reply, void *arg)
{
	struct request *r = arg;

	(void)s;
	r->reply = reply ? xmpp_stanza_clone(reply) : NULL;
	r->done = 1;
}

static int
request_done(void *arg)
{
	return ((struct request *)arg)->done;
}

int
xt_iq_request(struct xt_session *s, xmpp_stanza_t *iq, xmpp_stanza_t **reply)
{
	struct request r = { NULL, 0 };
	int status;

	xt_iq_send(s, iq, request_cb, &r);
	status = xt_session_run(s, request_done, &r);
	if (status != 0) {
		if (r.reply)
			xmpp_stanza_release(r.reply);
		return status;
	}
	*reply = r.reply;
	return 0;
}

int
xt_barrier(struct xt_session *s)
{
	xmpp_stanza_t *iq, *reply = NULL;
	int status;

	/* XEP-0199 to our own server: the server handles stanzas of one
	 * stream in order, so its answer proves everything before it was
	 * processed. An error reply proves the same. */
	iq = xt_ping_new(xt_session_ctx(s), NULL, xt_session_domain(s));
	status = xt_iq_request(s, iq, &reply);
	xmpp_stanza_release(iq);
	if (reply != NULL)
		xmpp_stanza_release(reply);
	return status;
}

const char *
xt_error_condition(xmpp_stanza_t *st)
{
	xmpp_stanza_t *err = xmpp_stanza_get_child_by_name(st, "error"), *c;
	const char *ns;

	/* RFC 6120 8.3.2: an error stanza has an <error/>; one that has
	 * none still failed, for no reason given. */
	if (err == NULL)
		return "undefined-condition";
	for (c = xmpp_stanza_get_children(err); c; c = xmpp_stanza_get_next(c))
		if (xmpp_stanza_is_tag(c) && (ns = xmpp_stanza_get_ns(c)) &&
		    strcmp(ns, NS_STANZAS) == 0 &&
		    strcmp(xmpp_stanza_get_name(c), "text") != 0)
			return xmpp_stanza_get_name(c);
	return "undefined-condition";
}

const char *
xt_error_text(xmpp_stanza_t *st)
{
	static char buf[1024];
	xmpp_stanza_t *err = xmpp_stanza_get_child_by_name(st, "error"), *t;
	char *text;

	if (err == NULL || (t = xmpp_stanza_get_child_by_name(err, "text")) ==
	    NULL || (text = xmpp_stanza_get_text(t)) == NULL)
		return NULL;
	snprintf(buf, sizeof(buf), "%s", text);
	xmpp_free(xmpp_stanza_get_context(st), text);
	return buf;
}

static const char *const *served_features;
static int serve_manual;	/* the tool answers: xt_iq_answer() */

void
xt_iq_on(struct xt_session *s, const char *ns, xt_iq_handler fn, void *arg)
{
	struct on_ns *h = calloc(1, sizeof(*h));

	if (h == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	h->s = s;
	h->ns = xt_strdup(ns);
	h->fn = fn;
	h->arg = arg;
	h->next = handlers;
	handlers = h;
}

static xmpp_stanza_t *
error_reply(xmpp_stanza_t *iq, const char *type, const char *condition)
{
	xmpp_stanza_t *reply = xmpp_iq_new(xmpp_stanza_get_context(iq), "error",
	    xmpp_stanza_get_id(iq)), *err;

	if (xmpp_stanza_get_from(iq) != NULL)
		xmpp_stanza_set_to(reply, xmpp_stanza_get_from(iq));
	err = xt_stanza_add(reply, "error", NULL, NULL);
	xmpp_stanza_set_type(err, type);
	xt_stanza_add(err, condition, NS_STANZAS, NULL);
	return reply;
}

void
xt_iq_reply_error(struct xt_session *s, xmpp_stanza_t *iq, const char *type,
    const char *condition)
{
	xmpp_stanza_t *reply = error_reply(iq, type, condition);

	xt_session_send(s, reply);
	xmpp_stanza_release(reply);
}

void
xt_iq_reply_result(struct xt_session *s, xmpp_stanza_t *iq)
{
	xmpp_stanza_t *reply = xmpp_iq_new(xmpp_stanza_get_context(iq),
	    "result", xmpp_stanza_get_id(iq));

	if (xmpp_stanza_get_from(iq) != NULL)
		xmpp_stanza_set_to(reply, xmpp_stanza_get_from(iq));
	xt_session_send(s, reply);
	xmpp_stanza_release(reply);
}

/* XEP-0030 3.1: who we are and what we answer. */
static void
disco_info(xmpp_stanza_t *reply, xmpp_stanza_t *query)
{
	static const char *const base[] = {
		"http://jabber.org/protocol/disco#info", NS_PING,
		"jabber:iq:version", NULL
	};
	xmpp_stanza_t *q = xt_stanza_add(reply, "query",
	    "http://jabber.org/protocol/disco#info", NULL), *id;
	const char *node = xmpp_stanza_get_attribute(query, "node");
	int i;

	if (node != NULL)
		xmpp_stanza_set_attribute(q, "node", node);
	id = xt_stanza_add(q, "identity", NULL, NULL);
	xmpp_stanza_set_attribute(id, "category", "client");
	xmpp_stanza_set_attribute(id, "type", "console");
	xmpp_stanza_set_attribute(id, "name", "xmpp-tools");
	for (i = 0; base[i] != NULL; i++)
		xmpp_stanza_set_attribute(xt_stanza_add(q, "feature", NULL,
		    NULL), "var", base[i]);
	for (i = 0; served_features && served_features[i] != NULL; i++)
		xmpp_stanza_set_attribute(xt_stanza_add(q, "feature", NULL,
		    NULL), "var", served_features[i]);
}

xmpp_stanza_t *
xt_iq_answer(struct xt_session *s, xmpp_stanza_t *st)
{
	const char *type = xmpp_stanza_get_type(st), *ns, *name;
	xmpp_stanza_t *q, *reply;
	struct on_ns *h;

	name = xmpp_stanza_get_name(st);
	if (name == NULL || strcmp(name, "iq") != 0 || type == NULL ||
	    (strcmp(type, "get") != 0 && strcmp(type, "set") != 0))
		return NULL;
	for (q = xmpp_stanza_get_children(st); q && !xmpp_stanza_is_tag(q);
	    q = xmpp_stanza_get_next(q))
		;
	ns = q ? xmpp_stanza_get_ns(q) : NULL;
	for (h = handlers; ns != NULL && h != NULL; h = h->next)
		if (h->s == s && strcmp(h->ns, ns) == 0) {
			h->fn(s, st, q, h->arg);
			return NULL;
		}
	/* Not xmpp_stanza_reply(): it copies the request's children. */
	reply = xmpp_iq_new(xmpp_stanza_get_context(st), "result",
	    xmpp_stanza_get_id(st));
	if (xmpp_stanza_get_from(st) != NULL)
		xmpp_stanza_set_to(reply, xmpp_stanza_get_from(st));
	if (ns && strcmp(ns, NS_PING) == 0 && strcmp(type, "get") == 0) {
		;	/* XEP-0199 4.2: an empty result */
	} else if (ns && strcmp(ns, "http://jabber.org/protocol/disco#info")
	    == 0 && strcmp(type, "get") == 0) {
		disco_info(reply, q);
	} else if (ns && strcmp(ns, "jabber:iq:version") == 0 &&
	    strcmp(type, "get") == 0) {
		q = xt_stanza_add(reply, "query", "jabber:iq:version", NULL);
		xt_stanza_add(q, "name", NULL, "xmpp-tools");
		xt_stanza_add(q, "version", NULL, XT_VERSION);
	} else {
		/* RFC 6120 8.4: never leave an iq get/set unanswered. */
		xmpp_stanza_release(reply);
		return error_reply(st, "cancel", "service-unavailable");
	}
	return reply;
}

static int
serve_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
	struct xt_session *s = arg;
	xmpp_stanza_t *reply;

	(void)conn;
	/* Installed before login: answer only once a resource is bound. */
	if (serve_manual || xt_session_jid(s) == NULL)
		return 1;
	if ((reply = xt_iq_answer(s, st)) != NULL) {
		xt_session_send(s, reply);
		xmpp_stanza_release(reply);
	}
	return 1;
}

void
xt_iq_manual(void)
{
	serve_manual = 1;
}

void
xt_iq_serve(struct xt_session *s, const char *const *features)
{
	served_features = features;
	/* Registering the same handler twice is a no-op in libstrophe. */
	xmpp_handler_add(xt_session_conn(s), serve_cb, NULL, "iq", NULL, s);
}
