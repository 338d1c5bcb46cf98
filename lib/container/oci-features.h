/* The OCI Features structure (features.md, features-linux.md): what this build of rune
   recognizes, fixed at compile time as the spec asks, not what the host can do. */
#ifndef CONTAINER_OCI_FEATURES_H
#define CONTAINER_OCI_FEATURES_H

#include <json-c/json.h>

/* Caller releases with json_object_put. */
json_object *container_features (void);

#endif
