/* SPDX-License-Identifier: GPL-3.0-or-later */
/* roster.c: the contact list (RFC 6121 2): items, the roster get, sets
 * and the pushes that confirm them. */
#include <stdlib.h>
#include <string.h>

#include "xt.h"

#define NS_ROSTER "jabber:iq:roster"
#define NS_ROSTERVER "urn:xmpp:features:rosterver"
/* What one item and one roster may hold. */
#define MAX_GROUPS 1000
#define MAX_ITEMS 1000000

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
xt_roster_item_sort(struct xt_roster_item *it)
{
	size_t i, j;

	if (it->ngroups > 1)
		qsort(it->groups, it->ngroups, sizeof(char *), cmp_str);
	/* A group named twice is one group. */
	for (i = j = 0; i < it->ngroups; i++) {
		if (j > 0 && strcmp(it->groups[j - 1], it->groups[i]) == 0) {
			free(it->groups[i]);
			continue;
		}
		it->groups[j++] = it->groups[i];
	}
	it->ngroups = j;
}

void
xt_roster_item_add_group(struct xt_roster_item *it, const char *group)
{
	if (it->ngroups >= MAX_GROUPS)
		return;
	it->groups = xt_grow(it->groups, it->ngroups, sizeof(char *));
	it->groups[it->ngroups++] = xt_strdup(group);
}

int
xt_roster_item_parse(xmpp_stanza_t *st, struct xt_roster_item *it)
{
	xmpp_stanza_t *g;
	const char *jid = xmpp_stanza_get_attribute(st, "jid");
	const char *approved;
	char *t;

	memset(it, 0, sizeof(*it));
	if (strcmp(xmpp_stanza_get_name(st), "item") != 0 || jid == NULL ||
	    *jid == '\0')
		return -1;
	it->jid = xt_strdup(jid);
	it->name = xt_strdup(xmpp_stanza_get_attribute(st, "name"));
	it->subscription = xt_strdup(xmpp_stanza_get_attribute(st,
	    "subscription"));
	it->ask = xt_strdup(xmpp_stanza_get_attribute(st, "ask"));
	approved = xmpp_stanza_get_attribute(st, "approved");
	it->approved = approved != NULL && (strcmp(approved, "true") == 0 ||
	    strcmp(approved, "1") == 0);
	for (g = xmpp_stanza_get_children(st); g; g = xmpp_stanza_get_next(g)) {
		if (!xmpp_stanza_is_tag(g) || strcmp(xmpp_stanza_get_name(g),
		    "group") != 0)
			continue;
		t = xt_stanza_text(g);
		xt_roster_item_add_group(it, t);
		free(t);
	}
	xt_roster_item_sort(it);
	return 0;
}

void
xt_roster_item_clear(struct xt_roster_item *it)
{
	size_t i;

	for (i = 0; i < it->ngroups; i++)
		free(it->groups[i]);
	free(it->groups);
	free(it->jid);
	free(it->name);
	free(it->subscription);
	free(it->ask);
	memset(it, 0, sizeof(*it));
}

const char *
xt_roster_subscription(const struct xt_roster_item *it)
{
	return it->subscription ? it->subscription : "none";
}

static int
cmp_item(const void *a, const void *b)
{
	return strcmp(((const struct xt_roster_item *)a)->jid,
	    ((const struct xt_roster_item *)b)->jid);
}

struct xt_roster *
xt_roster_parse(xmpp_stanza_t *query)
{
	struct xt_roster *r = calloc(1, sizeof(*r));
	struct xt_roster_item it;
	xmpp_stanza_t *c;

	if (r == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	if (query == NULL)
		return r;
	r->ver = xt_strdup(xmpp_stanza_get_attribute(query, "ver"));
	for (c = xmpp_stanza_get_children(query); c;
	    c = xmpp_stanza_get_next(c)) {
		if (!xmpp_stanza_is_tag(c) || r->n >= MAX_ITEMS ||
		    xt_roster_item_parse(c, &it) != 0)
			continue;
		r->items = xt_grow(r->items, r->n, sizeof(it));
		r->items[r->n++] = it;
	}
	xt_roster_sort(r);
	return r;
}

void
xt_roster_sort(struct xt_roster *r)
{
	size_t i, j;

	if (r->n > 1)
		qsort(r->items, r->n, sizeof(r->items[0]), cmp_item);
	/* An item listed twice: the last one counts. */
	for (i = j = 0; i < r->n; i++) {
		if (j > 0 && strcmp(r->items[j - 1].jid, r->items[i].jid) ==
		    0) {
			xt_roster_item_clear(&r->items[j - 1]);
			r->items[j - 1] = r->items[i];
			continue;
		}
		r->items[j++] = r->items[i];
	}
	r->n = j;
}

struct xt_roster_item *
xt_roster_find(const struct xt_roster *r, const char *jid)
{
	struct xt_roster_item key;

	if (r == NULL || r->n == 0)
		return NULL;
	key.jid = (char *)jid;
	return bsearch(&key, r->items, r->n, sizeof(key), cmp_item);
}

void
xt_roster_free(struct xt_roster *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++)
		xt_roster_item_clear(&r->items[i]);
	free(r->items);
	free(r->ver);
	free(r);
}

int
xt_roster_same(const struct xt_roster_item *a, const struct xt_roster_item *b)
{
	size_t i;

	if (strcmp(a->name ? a->name : "", b->name ? b->name : "") != 0 ||
	    a->ngroups != b->ngroups)
		return 0;
	for (i = 0; i < a->ngroups; i++)
		if (strcmp(a->groups[i], b->groups[i]) != 0)
			return 0;
	return 1;
}

xmpp_stanza_t *
xt_roster_set_new(xmpp_ctx_t *ctx, const char *id,
    const struct xt_roster_item *it, int remove)
{
	xmpp_stanza_t *iq = xmpp_iq_new(ctx, "set", id), *q, *item;
	size_t i;

	q = xt_stanza_add(iq, "query", NS_ROSTER, NULL);
	item = xt_stanza_add(q, "item", NULL, NULL);
	xmpp_stanza_set_attribute(item, "jid", it->jid);
	if (remove) {
		xmpp_stanza_set_attribute(item, "subscription", "remove");
		return iq;
	}
	if (it->name != NULL && *it->name != '\0')
		xmpp_stanza_set_attribute(item, "name", it->name);
	for (i = 0; i < it->ngroups; i++)
		xt_stanza_add(item, "group", NULL, it->groups[i]);
	return iq;
}

/* ---- the roster get and the pushes ---- */

struct pushes {
	xt_roster_push_cb cb;
	void *arg;
};

/* RFC 6121 2.1.6: a push comes from our bare JID or without "from";
 * any other is a spoof, ignored and refused. */
static void
on_push(struct xt_session *s, xmpp_stanza_t *iq, xmpp_stanza_t *query,
    void *arg)
{
	struct pushes *p = arg;
	const char *from = xmpp_stanza_get_from(iq), *me = xt_session_jid(s);
	const char *type = xmpp_stanza_get_type(iq);
	size_t barelen = me ? strcspn(me, "/") : 0;
	struct xt_roster_item it;
	xmpp_stanza_t *c;

	if (from != NULL && !(me != NULL && strlen(from) == barelen &&
	    strncmp(from, me, barelen) == 0)) {
		xt_warn("ignoring a roster push from '%s': only the server "
		    "may send one", from);
		xt_iq_reply_error(s, iq, "cancel", "service-unavailable");
		return;
	}
	if (type == NULL || strcmp(type, "set") != 0) {
		xt_iq_reply_error(s, iq, "cancel", "bad-request");
		return;
	}
	xt_iq_reply_result(s, iq);
	for (c = xmpp_stanza_get_children(query); c;
	    c = xmpp_stanza_get_next(c)) {
		if (!xmpp_stanza_is_tag(c) || xt_roster_item_parse(c, &it) != 0)
			continue;
		if (p->cb != NULL)
			p->cb(&it, xmpp_stanza_get_attribute(query, "ver"),
			    p->arg);
		xt_roster_item_clear(&it);
	}
}

void
xt_roster_on_push(struct xt_session *s, xt_roster_push_cb cb, void *arg)
{
	static struct pushes p;

	p.cb = cb;
	p.arg = arg;
	xt_iq_on(s, NS_ROSTER, on_push, &p);
}

int
xt_roster_get(struct xt_session *s, struct xt_roster **out)
{
	xmpp_stanza_t *iq = xmpp_iq_new(xt_session_ctx(s), "get",
	    xt_session_id(s)), *q, *reply = NULL;
	const char *type;
	int status;

	*out = NULL;
	q = xt_stanza_add(iq, "query", NS_ROSTER, NULL);
	/* RFC 6121 2.6: with versioning, ver="" asks for the whole roster
	 * and its version; we keep no copy to be newer than. */
	if (xt_session_has_feature(s, NS_ROSTERVER))
		xmpp_stanza_set_attribute(q, "ver", "");
	status = xt_iq_request(s, iq, &reply);
	xmpp_stanza_release(iq);
	if (status != 0)
		return status;
	type = xmpp_stanza_get_type(reply);
	if (type == NULL || strcmp(type, "result") != 0) {
		xt_error("cannot read the roster of '%s': %s",
		    xt_session_domain(s), xt_error_condition(reply) ?
		    xt_error_condition(reply) : "no result");
		xmpp_stanza_release(reply);
		return XT_NEGATIVE;
	}
	/* An empty result (RFC 6121 2.6.3): nothing newer than the version
	 * asked, the empty one here, so an empty roster. */
	*out = xt_roster_parse(xmpp_stanza_get_child_by_ns(reply, NS_ROSTER));
	xmpp_stanza_release(reply);
	return 0;
}
