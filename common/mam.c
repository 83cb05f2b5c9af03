/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mam.c: reading a message archive (XEP-0313), ours or a room's, page by
 * page (XEP-0059). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xt.h"

#define NS_MAM "urn:xmpp:mam:2"
#define NS_FORWARD "urn:xmpp:forward:0"
#define PAGE 100

xmpp_stanza_t *
xt_forwarded_message(xmpp_stanza_t *wrapper)
{
	xmpp_stanza_t *fwd = xmpp_stanza_get_child_by_ns(wrapper, NS_FORWARD);
	xmpp_stanza_t *m, *d, *copy;

	if (fwd == NULL ||
	    (m = xmpp_stanza_get_child_by_name(fwd, "message")) == NULL)
		return NULL;
	copy = xmpp_stanza_copy(m);
	d = xmpp_stanza_get_child_by_ns(fwd, "urn:xmpp:delay");
	if (d != NULL && xmpp_stanza_get_child_by_ns(copy,
	    "urn:xmpp:delay") == NULL) {
		d = xmpp_stanza_copy(d);
		xmpp_stanza_add_child(copy, d);
		xmpp_stanza_release(d);
	}
	return copy;
}

int
xt_mam_result(xmpp_stanza_t *st)
{
	return xmpp_stanza_get_child_by_ns(st, NS_MAM) != NULL;
}

struct run {
	struct xt_mam *m;
	const char *from;	/* whom results must come from */
	char queryid[48];
};

/* XEP-0313 4.2: an archived message, from the archive we asked. */
static int
result_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
	struct run *r = arg;
	xmpp_stanza_t *res = xmpp_stanza_get_child_by_ns(st, NS_MAM), *inner;
	const char *from = xmpp_stanza_get_from(st), *qid;

	(void)conn;
	if (res == NULL || (from != NULL && strcmp(from, r->from) != 0) ||
	    (qid = xmpp_stanza_get_attribute(res, "queryid")) == NULL ||
	    strcmp(qid, r->queryid) != 0 ||
	    (inner = xt_forwarded_message(res)) == NULL)
		return 1;
	r->m->got++;
	xt_progress(r->m->got);
	r->m->cb(inner, xmpp_stanza_get_id(res), r->m->arg);
	xmpp_stanza_release(inner);
	return 1;
}

static xmpp_stanza_t *
query(xmpp_ctx_t *ctx, const struct xt_mam *m, const char *queryid,
    const char *after)
{
	xmpp_stanza_t *iq = xmpp_iq_new(ctx, "set", NULL), *q, *x, *set;
	char start[32], max[24];

	if (m->archive != NULL)
		xmpp_stanza_set_to(iq, m->archive);
	q = xt_stanza_add(iq, "query", NS_MAM, NULL);
	xmpp_stanza_set_attribute(q, "queryid", queryid);
	if (m->since > 0) {
		x = xt_form_add(q, "submit", NS_MAM);
		xt_datetime_format((time_t)m->since, start, sizeof(start));
		xt_form_add_field(x, "start", start);
	}
	/* XEP-0059: the last N are the page before the end. */
	set = xt_stanza_add(q, "set", XT_NS_RSM, NULL);
	snprintf(max, sizeof(max), "%ld", m->last > 0 ? m->last : PAGE);
	xt_stanza_add(set, "max", NULL, max);
	if (m->last > 0)
		xt_stanza_add(set, "before", NULL, NULL);
	else if (after != NULL || m->after != NULL)
		xt_stanza_add(set, "after", NULL, after ? after : m->after);
	return iq;
}

int
xt_mam_fetch(struct xt_session *s, struct xt_mam *m)
{
	xmpp_ctx_t *ctx = xt_session_ctx(s);
	xmpp_stanza_t *iq, *reply, *fin, *set, *last;
	char *after = NULL, *cnt, bare[3072];
	const char *complete;
	struct run r;
	int status = 0, more = 1;

	snprintf(bare, sizeof(bare), "%.*s",
	    (int)strcspn(xt_session_jid(s), "/"), xt_session_jid(s));
	r.m = m;
	r.from = m->archive ? m->archive : bare;
	snprintf(r.queryid, sizeof(r.queryid), "%s", xt_session_id(s));
	m->got = 0;
	m->why[0] = '\0';
	xmpp_handler_add(xt_session_conn(s), result_cb, NULL, "message", NULL,
	    &r);
	xt_progress_start("archive", 0);
	while (more && status == 0 && !(m->stop && m->stop(m->arg))) {
		iq = query(ctx, m, r.queryid, after);
		reply = NULL;
		status = xt_iq_request(s, iq, &reply);
		xmpp_stanza_release(iq);
		if (status != 0)
			break;
		if (strcmp(xmpp_stanza_get_type(reply), "error") == 0) {
			snprintf(m->why, sizeof(m->why), "cannot read the "
			    "archive of '%s': %s", r.from,
			    xt_error_condition(reply));
			xmpp_stanza_release(reply);
			status = XT_NEGATIVE;
			break;
		}
		fin = xmpp_stanza_get_child_by_ns(reply, NS_MAM);
		complete = fin ? xmpp_stanza_get_attribute(fin, "complete") :
		    NULL;
		set = fin ? xmpp_stanza_get_child_by_name(fin, "set") : NULL;
		last = set ? xmpp_stanza_get_child_by_name(set, "last") : NULL;
		/* XEP-0059 count: what the query matches in all. */
		if (set != NULL && m->last == 0 && (cnt = xt_stanza_child_text(
		    set, "count")) != NULL) {
			xt_progress_total(strtoull(cnt, NULL, 10));
			free(cnt);
		}
		free(after);
		after = last ? xt_stanza_text(last) : NULL;
		more = m->last == 0 && after != NULL && !(complete &&
		    strcmp(complete, "true") == 0);
		xmpp_stanza_release(reply);
	}
	free(after);
	xt_progress_end();
	xmpp_handler_delete(xt_session_conn(s), result_cb);
	return status;
}
