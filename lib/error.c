/*
 * Error codes and the client's error message.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "base.h"

const char *
pierone_strerror(int code)
{
	switch (code) {
	case PIERONE_OK:		return "success";
	case PIERONE_ENOMEM:		return "out of memory";
	case PIERONE_EINVAL:		return "invalid argument";
	case PIERONE_ECONFIG:		return "invalid configuration";
	case PIERONE_ENOTFOUND:		return "not found";
	case PIERONE_EAUTH:		return "authentication failed";
	case PIERONE_EFORBIDDEN:	return "access forbidden";
	case PIERONE_ENETWORK:		return "network error";
	case PIERONE_ETIMEOUT:		return "timed out";
	case PIERONE_ESERVER:		return "server error";
	case PIERONE_EBADRESPONSE:	return "unexpected response";
	case PIERONE_ENOTOKEN:		return "no token";
	case PIERONE_EIO:		return "input/output error";
	case PIERONE_EAMBIGUOUS:	return "ambiguous";
	case PIERONE_EUNSUPPORTED:	return "not supported by the registry";
	case PIERONE_ECONFLICT:		return "conflict: already done";
	case PIERONE_EREJECTED:		return "refused by the registry";
	default:			return "unknown error";
	}
}

const char *
pierone_errmsg(const pierone_client *client)
{
	if (client == NULL)
		return "no client";
	if (client->err.msg[0] == '\0')
		return pierone_strerror(client->err.code);
	return client->err.msg;
}
