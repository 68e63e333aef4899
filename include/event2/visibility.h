/* event_rs: event2/visibility.h -- symbol visibility for the public API. */
#ifndef EVENT2_VISIBILITY_H_INCLUDED_
#define EVENT2_VISIBILITY_H_INCLUDED_

#include <event2/event-config.h>

/* Every public function is declared with EVENT2_EXPORT_SYMBOL.  event_rs
 * ships a single library, so the attribute is the same when building it and
 * when using it. */
#if defined(__GNUC__) || defined(__clang__)
#define EVENT2_EXPORT_SYMBOL __attribute__ ((visibility("default")))
#else
#define EVENT2_EXPORT_SYMBOL
#endif

/* Core-library variant; identical on ELF platforms. */
#if !defined(EVENT2_CORE_EXPORT_SYMBOL)
#define EVENT2_CORE_EXPORT_SYMBOL EVENT2_EXPORT_SYMBOL
#endif

#endif /* EVENT2_VISIBILITY_H_INCLUDED_ */
