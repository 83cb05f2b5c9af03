/* SPDX-License-Identifier: GPL-3.0-or-later */
/* stanza.c: building the stanzas every tool sends. */
#include <stdlib.h>
#include <string.h>

#include "xt.h"

char *
xt_stanza_text(xmpp_stanza_t *st)
{
	char *t = xmpp_stanza_get_text(st), *d;

	if (t == NULL)
		return xt_strdup("");
	d = xt_strdup(t);
	xmpp_free(xmpp_stanza_get_context(st), t);
	return d;
}

char *
xt_stanza_child_text(xmpp_stanza_t *parent, const char *name)
{
	xmpp_stanza_t *c = parent ? xmpp_stanza_get_child_by_name(parent,
	    name) : NULL;

	return c ? xt_stanza_text(c) : NULL;
}

const char *
xt_stanza_id_by(xmpp_stanza_t *st, const char *by)
{
	xmpp_stanza_t *c;
	const char *b, *ns;

	for (c = xmpp_stanza_get_children(st); c; c = xmpp_stanza_get_next(c))
		if (xmpp_stanza_is_tag(c) &&
		    strcmp(xmpp_stanza_get_name(c), "stanza-id") == 0 &&
		    (ns = xmpp_stanza_get_ns(c)) != NULL &&
		    strcmp(ns, "urn:xmpp:sid:0") == 0 &&
		    (b = xmpp_stanza_get_attribute(c, "by")) != NULL &&
		    strcmp(b, by) == 0)
			return xmpp_stanza_get_id(c);
	return NULL;
}

xmpp_stanza_t *
xt_stanza_add(xmpp_stanza_t *parent, const char *name, const char *ns,
    const char *text)
{
	xmpp_ctx_t *ctx = xmpp_stanza_get_context(parent);
	xmpp_stanza_t *c = xmpp_stanza_new(ctx), *t;

	xmpp_stanza_set_name(c, name);
	if (ns != NULL)
		xmpp_stanza_set_ns(c, ns);
	if (text != NULL) {
		t = xmpp_stanza_new(ctx);
		xmpp_stanza_set_text(t, text);
		xmpp_stanza_add_child(c, t);
		xmpp_stanza_release(t);
	}
	/* The parent holds the only reference we keep. */
	xmpp_stanza_add_child(parent, c);
	xmpp_stanza_release(c);
	return c;
}

xmpp_stanza_t *
xt_ping_new(xmpp_ctx_t *ctx, const char *id, const char *to)
{
	xmpp_stanza_t *iq = xmpp_iq_new(ctx, "get", id);

	if (to != NULL)
		xmpp_stanza_set_to(iq, to);
	xt_stanza_add(iq, "ping", "urn:xmpp:ping", NULL);
	return iq;
}
