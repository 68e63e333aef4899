/* event_rs: event2/tag_compat.h -- old names of the evtag encoders. */
#ifndef EVENT2_TAG_COMPAT_H_INCLUDED_
#define EVENT2_TAG_COMPAT_H_INCLUDED_

#ifdef __cplusplus
extern "C" {
#endif


#define encode_int(evbuf, number) evtag_encode_int((evbuf), (number))
#define encode_int64(evbuf, number) evtag_encode_int64((evbuf), (number))

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_TAG_COMPAT_H_INCLUDED_ */
