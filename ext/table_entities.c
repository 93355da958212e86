/* placeholder until the entity tables land */
#include "tables.h"
int mt_register_entities(sqlite3 *db, mt_ctx *ctx){ (void)db; (void)ctx; return SQLITE_OK; }
