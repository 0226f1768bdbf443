export declare const serverDataFolders: readonly string[];
