/**
 * Applied migrations whose comments were edited after migrators that checksummed the whole file
 * had recorded them. Such a database holds, for the file, the whole-file checksum of its text
 * before the edit, which nothing can recompute from the file as it is now; this list says which
 * old checksum stands for which SQL, so the migrator can accept the row and record its SQL
 * checksum instead.
 *
 * `fileChecksum` is SHA-256 of the file's text before the edit, `sqlChecksum` SHA-256 of its
 * executable SQL (unchanged by the edit). A row is accepted only while the file's SQL still has
 * that checksum. An entry is needed until every database migrated before SQL checksums has run the
 * migrator once; each entry can be checked against the file's history in git.
 *
 * Comments edited from now on need no entry: rows recorded since hold SQL checksums.
 */
export interface CommentEdit {
  version: string;
  fileChecksum: string;
  sqlChecksum: string;
}

export const COMMENT_EDITS: readonly CommentEdit[] = [
  {
    // tasks: the header named an outside design document
    version: '20261125000600',
    fileChecksum: '4373856639ce9d525f92f674690f0f937e2681068c2e26a2024ecacc658e63f1',
    sqlChecksum: 'f76e0915e7d0c74bd48efe6ac7c1c1fbaa0e5391cb3b7fd76cbf87a0668f54e3',
  },
  {
    // apply_job_callback: the header named an outside design document
    version: '20261125002900',
    fileChecksum: '1a372c5ac4b17d1411bba13bb7a19c0953017fc4f0eaaa511dd6f77a86319cd8',
    sqlChecksum: '55ea47f10b42591bb746b52179c9c821ef69fad57100760f0dc753c5002874d6',
  },
  {
    // submit_job: the header named an outside design document
    version: '20261125003000',
    fileChecksum: 'c7a87c81e7b7622596580bc61d9d4f22b29f54b7bea241de89c0deb0de379388',
    sqlChecksum: '341827a752e45acf6c3f5e6a816be6424793b302f164f4ab6f527eaf5ba1740e',
  },
];
