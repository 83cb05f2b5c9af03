/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dns.c: the ordered list of addresses to try (RFC 6120 3.2, XEP-0368). */
#include <arpa/inet.h>
#include <errno.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "xt.h"

#define MAX_TARGETS 32

struct srv {
	unsigned short prio, weight, port;
	int direct_tls;
	char host[256];
};

static int
srv_cmp(const void *a, const void *b)
{
	const struct srv *x = a, *y = b;

	if (x->prio != y->prio)
		return x->prio - y->prio;
	/* Equal priority: prefer direct TLS (one round trip less), then
	 * heavier weight. RFC 2782's weighted shuffle matters to load
	 * balancing across many clients, not to a one-shot tool. */
	if (x->direct_tls != y->direct_tls)
		return y->direct_tls - x->direct_tls;
	return y->weight - x->weight;
}

/* Append the SRV records of name to list; -1 if the name does not exist. */
static int
srv_query(const char *name, int direct_tls, struct srv *list, int *n)
{
	unsigned char ans[4096];
	ns_msg msg;
	ns_rr rr;
	int len, i, count;

	len = res_query(name, ns_c_in, ns_t_srv, ans, sizeof(ans));
	if (len < 0)
		return -1;
	if (ns_initparse(ans, len, &msg) < 0)
		return -1;
	count = ns_msg_count(msg, ns_s_an);
	for (i = 0; i < count && *n < MAX_TARGETS; i++) {
		struct srv *s = &list[*n];
		const unsigned char *rd;

		if (ns_parserr(&msg, ns_s_an, i, &rr) < 0 ||
		    ns_rr_type(rr) != ns_t_srv || ns_rr_rdlen(rr) < 7)
			continue;
		rd = ns_rr_rdata(rr);
		s->prio = ns_get16(rd);
		s->weight = ns_get16(rd + 2);
		s->port = ns_get16(rd + 4);
		s->direct_tls = direct_tls;
		if (dn_expand(ns_msg_base(msg), ns_msg_end(msg), rd + 6,
		    s->host, sizeof(s->host)) < 0)
			continue;
		/* RFC 2782: a target of "." means the service is absent. */
		if (strcmp(s->host, ".") == 0 || s->host[0] == '\0')
			continue;
		(*n)++;
	}
	return 0;
}

/* Add the addresses of host to out. */
static int
add_addrs(const char *host, unsigned short port, int direct_tls,
    struct xt_target *out, int *n, char *err, size_t errlen)
{
	struct addrinfo hints = { 0 }, *res, *ai;
	int r;

	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	r = getaddrinfo(host, NULL, &hints, &res);
	if (r != 0) {
		/* gai_strerror() is capitalised; our messages are not. */
		snprintf(err, errlen, "cannot resolve '%s': %s", host,
		    r == EAI_NONAME ? "no such host" : r == EAI_AGAIN ?
		    "temporary failure in name resolution" : r == EAI_SYSTEM ?
		    xt_strerror(errno) : gai_strerror(r));
		return -1;
	}
	for (ai = res; ai != NULL && *n < MAX_TARGETS; ai = ai->ai_next) {
		struct xt_target *t = &out[*n];
		void *a = ai->ai_family == AF_INET6 ?
		    (void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr :
		    (void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr;

		if (inet_ntop(ai->ai_family, a, t->addr, sizeof(t->addr)) ==
		    NULL)
			continue;
		snprintf(t->host, sizeof(t->host), "%s", host);
		t->port = port;
		t->direct_tls = direct_tls;
		(*n)++;
	}
	freeaddrinfo(res);
	return 0;
}

int
xt_resolve(const char *domain, const struct xt_opts *o,
    struct xt_target **out, char *err, size_t errlen)
{
	struct srv srv[MAX_TARGETS];
	struct xt_target *t;
	int nsrv = 0, n = 0, i, direct = o->tls_mode == XT_TLS_DIRECT;
	char name[300];

	if ((t = calloc(MAX_TARGETS, sizeof(*t))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	*out = t;
	if (o->server_host != NULL) {
		if (add_addrs(o->server_host, o->server_port ? o->server_port :
		    direct ? 5223 : 5222, direct, t, &n, err, errlen) < 0)
			return -1;
		return n;
	}
	/* XEP-0368: with direct TLS only _xmpps-client; with STARTTLS
	 * only _xmpp-client, so the policy the user chose is what runs. */
	snprintf(name, sizeof(name), "%s.%s",
	    direct ? "_xmpps-client._tcp" : "_xmpp-client._tcp", domain);
	if (srv_query(name, direct, srv, &nsrv) == 0 && nsrv > 0) {
		qsort(srv, nsrv, sizeof(srv[0]), srv_cmp);
		for (i = 0; i < nsrv; i++) {
			xt_info(2, "SRV %s -> %s:%u", name, srv[i].host,
			    srv[i].port);
			/* One target failing to resolve is not fatal. */
			add_addrs(srv[i].host, srv[i].port, srv[i].direct_tls,
			    t, &n, err, errlen);
		}
		if (n > 0)
			return n;
		return -1;
	}
	if (add_addrs(domain, direct ? 5223 : 5222, direct, t, &n, err,
	    errlen) < 0)
		return -1;
	return n;
}
