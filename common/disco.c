/* SPDX-License-Identifier: GPL-3.0-or-later */
/* disco.c: XEP-0030 service discovery requests and their replies. */
#include <stdlib.h>
#include <string.h>

#include "xt.h"

/* What one reply may hold (a MUC service lists every room). */
#define MAX_ENTRIES 100000

xmpp_stanza_t *
xt_disco_new(xmpp_ctx_t *ctx, const char *id, const char *to,
    const char *node, int items)
{
	xmpp_stanza_t *iq = xmpp_iq_new(ctx, "get", id), *q;

	if (to != NULL)
		xmpp_stanza_set_to(iq, to);
	q = xt_stanza_add(iq, "query", items ? XT_NS_DISCO_ITEMS :
	    XT_NS_DISCO_INFO, NULL);
	if (node != NULL)
		xmpp_stanza_set_attribute(q, "node", node);
	return iq;
}

static xmpp_stanza_t *
query_of(xmpp_stanza_t *reply, const char *ns)
{
	const char *type = reply ? xmpp_stanza_get_type(reply) : NULL;

	if (type == NULL || strcmp(type, "result") != 0)
		return NULL;
	return xmpp_stanza_get_child_by_ns(reply, ns);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct xt_disco_info *
xt_disco_info_parse(xmpp_stanza_t *reply)
{
	struct xt_disco_info *d;
	struct xt_identity *id;
	xmpp_stanza_t *q = query_of(reply, XT_NS_DISCO_INFO), *c;
	const char *name, *var;

	if (q == NULL)
		return NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	for (c = xmpp_stanza_get_children(q); c; c = xmpp_stanza_get_next(c)) {
		if (!xmpp_stanza_is_tag(c))
			continue;
		name = xmpp_stanza_get_name(c);
		if (strcmp(name, "identity") == 0 && d->nids < MAX_ENTRIES) {
			d->ids = xt_grow(d->ids, d->nids, sizeof(*id));
			id = &d->ids[d->nids++];
			id->category = xt_strdup(xmpp_stanza_get_attribute(c,
			    "category"));
			id->type = xt_strdup(xmpp_stanza_get_type(c));
			id->name = xt_strdup(xmpp_stanza_get_attribute(c,
			    "name"));
			id->lang = xt_strdup(xmpp_stanza_get_attribute(c,
			    "xml:lang"));
		} else if (strcmp(name, "feature") == 0 &&
		    (var = xmpp_stanza_get_attribute(c, "var")) != NULL &&
		    d->nfeatures < MAX_ENTRIES) {
			d->features = xt_grow(d->features, d->nfeatures,
			    sizeof(char *));
			d->features[d->nfeatures++] = xt_strdup(var);
		} else if (xt_form_is(c) && d->nforms < MAX_ENTRIES) {
			d->forms = xt_grow(d->forms, d->nforms,
			    sizeof(struct xt_form *));
			d->forms[d->nforms++] = xt_form_parse(c);
		}
	}
	/* Sorted, so that a lookup is a search and output is stable. */
	if (d->nfeatures > 1)
		qsort(d->features, d->nfeatures, sizeof(char *), cmp_str);
	return d;
}

int
xt_disco_has(const struct xt_disco_info *d, const char *feature)
{
	return d != NULL && d->nfeatures > 0 && bsearch(&feature, d->features,
	    d->nfeatures, sizeof(char *), cmp_str) != NULL;
}

const struct xt_identity *
xt_disco_identity(const struct xt_disco_info *d, const char *category,
    const char *type)
{
	size_t i;

	for (i = 0; d != NULL && i < d->nids; i++)
		if (d->ids[i].category != NULL && strcmp(d->ids[i].category,
		    category) == 0 && (type == NULL || (d->ids[i].type !=
		    NULL && strcmp(d->ids[i].type, type) == 0)))
			return &d->ids[i];
	return NULL;
}

const struct xt_form *
xt_disco_form(const struct xt_disco_info *d, const char *form_type)
{
	size_t i;

	for (i = 0; d != NULL && i < d->nforms; i++)
		if (d->forms[i]->form_type != NULL &&
		    strcmp(d->forms[i]->form_type, form_type) == 0)
			return d->forms[i];
	return NULL;
}

void
xt_disco_info_free(struct xt_disco_info *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nids; i++) {
		free(d->ids[i].category);
		free(d->ids[i].type);
		free(d->ids[i].name);
		free(d->ids[i].lang);
	}
	for (i = 0; i < d->nfeatures; i++)
		free(d->features[i]);
	for (i = 0; i < d->nforms; i++)
		xt_form_free(d->forms[i]);
	free(d->ids);
	free(d->features);
	free(d->forms);
	free(d);
}

xmpp_stanza_t *
xt_disco_items_page(xmpp_ctx_t *ctx, const char *to, const char *node,
    int max, const char *after)
{
	xmpp_stanza_t *iq = xt_disco_new(ctx, NULL, to, node, 1), *set;
	char buf[24];

	/* XEP-0059: an entity that does not page ignores it and sends all;
	 * ejabberd's MUC lists its empty rooms only when asked by page
	 * (beyond max_rooms_discoitems, 100). */
	set = xt_stanza_add(xmpp_stanza_get_children(iq), "set", XT_NS_RSM,
	    NULL);
	snprintf(buf, sizeof(buf), "%d", max);
	xt_stanza_add(set, "max", NULL, buf);
	if (after != NULL)
		xt_stanza_add(set, "after", NULL, after);
	return iq;
}

struct xt_disco_items *
xt_disco_items_parse(xmpp_stanza_t *reply)
{
	struct xt_disco_items *d;
	struct xt_disco_item *it;
	xmpp_stanza_t *q = query_of(reply, XT_NS_DISCO_ITEMS), *c;
	const char *jid;

	if (q == NULL)
		return NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	for (c = xmpp_stanza_get_children(q); c; c = xmpp_stanza_get_next(c)) {
		if (!xmpp_stanza_is_tag(c) || strcmp(xmpp_stanza_get_name(c),
		    "item") != 0 || (jid = xmpp_stanza_get_attribute(c,
		    "jid")) == NULL || d->n >= MAX_ENTRIES)
			continue;
		d->items = xt_grow(d->items, d->n, sizeof(*it));
		it = &d->items[d->n++];
		it->jid = xt_strdup(jid);
		it->node = xt_strdup(xmpp_stanza_get_attribute(c, "node"));
		it->name = xt_strdup(xmpp_stanza_get_attribute(c, "name"));
	}
	d->count = -1;
	if ((c = xmpp_stanza_get_child_by_ns(q, XT_NS_RSM)) != NULL) {
		char *t;

		d->last = xt_stanza_child_text(c, "last");
		if ((t = xt_stanza_child_text(c, "count")) != NULL) {
			d->count = strtol(t, NULL, 10);
			free(t);
		}
	}
	return d;
}

void
xt_disco_items_free(struct xt_disco_items *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->items[i].jid);
		free(d->items[i].node);
		free(d->items[i].name);
	}
	free(d->items);
	free(d->last);
	free(d);
}
