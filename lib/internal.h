/*
 * libpierone internals: every internal header, for the unit tests and the
 * fuzz targets.  The library's own files include only the groups they use
 * (see lib/README).  Not installed; nothing here is part of the public API.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef PIERONE_INTERNAL_H
#define PIERONE_INTERNAL_H

#include "base.h"
#include "json.h"
#include "files.h"
#include "auth.h"
#include "http.h"
#include "registry.h"

#endif /* PIERONE_INTERNAL_H */
