#pragma once
// Opening a run store safely: foreign files are refused before anything is written, then numbered migrations
// bring the schema to kStoreSchemaVersion (private to core/store).

#include "qatbench/store.h"
#include "store/sqlite_db.h"

namespace qat::store {

constexpr int kApplicationId = 0x51415442; // "QATB" in PRAGMA application_id

// Checks the file (see RunStore's constructor), opens it and migrates it. Returns the schema version.
int openStore(Db& db, const std::string& path, const StoreOptions& options);

} // namespace qat::store
