/**
 * GENERATED FILE: do not edit. The console's API types, from the OpenAPI document the server
 * builds from its zod schemas (/api/v1/openapi.json).
 * Regenerate after changing a route's schema: npx tsx scripts/gen-api-types.ts
 * (test/openapi-types.test.ts fails while this file is stale.)
 */

export interface paths {
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign in; sets the session cookie */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        email: string;
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["LoginResponse"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign out (ends the session) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/invitations/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Redeem an invitation: a new account sets its password here; an existing one accepts signed in, without a password */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description New accounts only: how to show the invitee */
                        name?: string;
                        /** @description New accounts only: the password the invitee chooses. Leave it out when signed in as the invited account. */
                        password?: string;
                        /** @description The token from the invitation link */
                        token: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AcceptedInvitation"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller, their workspaces and roles */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Me"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's API tokens (never the token itself) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            tokens: components["schemas"]["ApiToken"][];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create an API token; the token is in this response only */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description ISO-8601 time; omit for no expiry */
                        expiresAt?: string | null;
                        name: string;
                        /**
                         * @default [
                         *       "read",
                         *       "write"
                         *     ]
                         */
                        scopes?: components["schemas"]["TokenScopeInput"][];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CreatedApiToken"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/tokens/{tokenId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API token */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    tokenId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A project, with the caller’s level and allowed actions */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Project"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a project (full access or admin) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        /** Rename or describe a project (can_edit) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        description?: string;
                        name?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Project"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/projects/{projectId}/access": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's effective level on the project and what they may do */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ProjectAccess"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/access/explain": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Why a user has the level they have (admins and full access) */
        get: {
            parameters: {
                query: {
                    /** @description user id */
                    user: string;
                };
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AccessExplanation"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/data-connections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Connections the project can query: its own, imported ones, and the workspace default */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            dataConnections: components["schemas"]["ProjectDataConnection"][];
                            defaultConnectionId: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a project connection, visible only inside the project (can_edit) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Per type — postgres: {host, port, database, user, sslMode, options}; mysql: {host, port, database, user, sslMode}; sqlite: {} or {path}; duckdb: {}, {path: ":memory:"} or {path}. SQLite/DuckDB without `path`: the connection gets a database file of its own, created empty (fill it with SQL, or upload one with PUT /projects/{projectId}/data-connections/{id}/file). Project connections cannot name a file (`file_not_allowed`); only workspace admins may set `path`, to an existing file in the files directory (ATRIUM_FILES_DIR), never one of Atrium's own or another connection's. */
                        config: {
                            [key: string]: unknown;
                        };
                        name: string;
                        /** @description Write-only: never returned */
                        password?: string;
                        readOnly?: boolean;
                        type: components["schemas"]["SqlTypeInput"];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DataConnection"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/data-connections/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a project connection (can_edit; confirm=true) */
        delete: {
            parameters: {
                query?: {
                    confirm?: "true" | "false";
                    dryRun?: "true" | "false";
                };
                header?: never;
                path: {
                    id: string;
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AssetRemoveResult"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Edit a project connection (can_edit) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Per type — postgres: {host, port, database, user, sslMode, options}; mysql: {host, port, database, user, sslMode}; sqlite: {} or {path}; duckdb: {}, {path: ":memory:"} or {path}. SQLite/DuckDB without `path`: the connection gets a database file of its own, created empty (fill it with SQL, or upload one with PUT /projects/{projectId}/data-connections/{id}/file). Project connections cannot name a file (`file_not_allowed`); only workspace admins may set `path`, to an existing file in the files directory (ATRIUM_FILES_DIR), never one of Atrium's own or another connection's. */
                        config?: {
                            [key: string]: unknown;
                        };
                        /** @description The version you read: a stale one gets 409 */
                        expectedVersion?: number;
                        name?: string;
                        /** @description A new password, or null to remove it */
                        password?: string | null;
                        readOnly?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DataConnection"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/projects/{projectId}/data-connections/{id}/file": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Replace a project connection's own SQLite/DuckDB database with an uploaded file (can_edit; application/octet-stream, checked by its header) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DataConnection"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/data-connections/{id}/schema": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Schema browser for a connection the caller may query in this project */
        get: {
            parameters: {
                query?: {
                    refresh?: "true" | "false";
                };
                header?: never;
                path: {
                    id: string;
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ConnectionSchemaResult"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/data-connections/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Test a saved project connection (can_edit) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ConnectionTestResult"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/data-connections/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Test connection settings before saving (can_edit) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Per type — postgres: {host, port, database, user, sslMode, options}; mysql: {host, port, database, user, sslMode}; sqlite: {} or {path}; duckdb: {}, {path: ":memory:"} or {path}. SQLite/DuckDB without `path`: the connection gets a database file of its own, created empty (fill it with SQL, or upload one with PUT /projects/{projectId}/data-connections/{id}/file). Project connections cannot name a file (`file_not_allowed`); only workspace admins may set `path`, to an existing file in the files directory (ATRIUM_FILES_DIR), never one of Atrium's own or another connection's. */
                        config: {
                            [key: string]: unknown;
                        };
                        /** @description Write-only: never returned */
                        password?: string;
                        type: components["schemas"]["SqlTypeInput"];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ConnectionTestResult"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/file-integrations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The file integrations the project imports, and whether the caller may use each */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            fileIntegrations: components["schemas"]["ProjectFileIntegration"][];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/file-integrations/{id}/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Export project files to the bucket — only with writeback (else writeback_disabled). A file under the integration's folder goes to its key there; others keep their project path. Streams NDJSON like import. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Project file paths */
                        paths?: string[];
                        /** @description A project folder: every file under it ('' for the integration's own folder) */
                        prefix?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description NDJSON, one FileTransferEvent per line: start, progress…, file…, then end or error. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/x-ndjson": components["schemas"]["FileTransferEvent"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/file-integrations/{id}/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Import objects (keys, or every object under a prefix) into external-files/s3/<integration>/ (rule 5). Checks and limits come first as HTTP errors; then streams NDJSON: start, progress…, file…, end | error. Each file is verified and placed whole. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Object keys (relative to the integration prefix) */
                        keys?: string[];
                        /** @description A folder: every object under it (use '' for everything) */
                        prefix?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description NDJSON, one FileTransferEvent per line: start, progress…, file…, then end or error. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/x-ndjson": components["schemas"]["FileTransferEvent"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/file-integrations/{id}/objects": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Browse the bucket: folders and objects of one level, 1,000 at most per page (can_edit and access — rule 5) */
        get: {
            parameters: {
                query?: {
                    pageToken?: string;
                    /** @description A folder of the bucket, relative to the integration's prefix, ending in '/' */
                    prefix?: string;
                    /** @description Keep entries whose name contains this (case-insensitive); applies per page */
                    q?: string;
                };
                header?: never;
                path: {
                    id: string;
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["S3ObjectListing"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/files": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The project's files (results, rule 6: anyone who can view the project) */
        get: {
            parameters: {
                query?: {
                    /** @description Only files under this folder */
                    prefix?: string;
                };
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ProjectFileList"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/files/content": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download a file, streamed (anyone who can view the project) */
        get: {
            parameters: {
                query: {
                    /** @description A project path such as 'external-files/s3/raw/2024/a.csv' */
                    path: string;
                };
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The file, streamed, with Content-Disposition: attachment. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/octet-stream": string;
                    };
                };
            };
        };
        /** Add or replace a file (can_edit); the body is the file (application/octet-stream). The CLI writes runtime results back this way. */
        put: {
            parameters: {
                query: {
                    /** @description A project path such as 'external-files/s3/raw/2024/a.csv' */
                    path: string;
                };
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ProjectFile"];
                    };
                };
            };
        };
        post?: never;
        /** Delete a file (can_edit) */
        delete: {
            parameters: {
                query: {
                    /** @description A project path such as 'external-files/s3/raw/2024/a.csv' */
                    path: string;
                };
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/grants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who the project is shared with */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Actions the caller may take on the project */
                            allowedActions: components["schemas"]["ProjectAction"][];
                            grants: components["schemas"]["Grant"][];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/grants/{subject}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Share the project with a user, a group, the workspace or the web. Refused with asset_access_required when grantees lack access to an imported asset, unless confirm is true (rule 7). */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                    /** @description user:<userId>, group:<groupId>, group:workspace or public */
                    subject: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Proceed although some users would lose access. */
                        confirm?: boolean;
                        /** @description Only return the impact preview; change nothing. */
                        dryRun?: boolean;
                        /** @enum {string} */
                        level: "can_view" | "can_edit" | "full_access";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["GrantResult"];
                    };
                };
            };
        };
        post?: never;
        /** Stop sharing with a subject (?dryRun=true previews whose level would drop) */
        delete: {
            parameters: {
                query?: {
                    dryRun?: "true" | "false";
                };
                header?: never;
                path: {
                    projectId: string;
                    /** @description user:<userId>, group:<groupId>, group:workspace or public */
                    subject: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["GrantRemovePreview"];
                    };
                };
                /** @description No content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/importable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Workspace assets the caller may import into the project (rule 5) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            assets: {
                                id: string;
                                kind: components["schemas"]["AssetKind"];
                                name: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/imports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Assets the project uses (imported workspace assets and its own) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            imports: components["schemas"]["ProjectImport"][];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Import a workspace asset (can_edit and access to it). Refused with asset_access_required when current editors lack access, unless confirm is true (rule 7). */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        assetId: string;
                        /** @description Proceed although some users would lose access. */
                        confirm?: boolean;
                        /** @description Only return the impact preview; change nothing. */
                        dryRun?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ImportResult"];
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ImportResult"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/imports/{assetId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Stop using a workspace asset in the project */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    assetId: string;
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/packages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The project’s packages: pinned commit, install status and log */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Actions the caller may take on the project */
                            allowedActions: components["schemas"]["ProjectAction"][];
                            packages: components["schemas"]["ProjectPackage"][];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Import a git package and pin the project to the commit its ref names now (rule 5; rule 7 preview: asset_access_required unless confirm). The install starts at once. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Proceed although some users would lose access. */
                        confirm?: boolean;
                        /** @description Only return the impact preview; change nothing. */
                        dryRun?: boolean;
                        packageId: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ImportPackageResult"];
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ImportPackageResult"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/packages/{name}/archive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download the installed package as a tar or zip (editors with access — rule 5) */
        get: {
            parameters: {
                query?: {
                    format?: "tar" | "zip";
                };
                header?: never;
                path: {
                    name: string;
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The installed package as a tar (default) or zip archive. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/x-tar": string;
                        "application/zip": string;
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/packages/{name}/install": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Install (or retry) a pinned package (rule 5). Streams NDJSON: status, log lines, then end or error; joins an install already running. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description NDJSON, one PackageInstallEvent per line: status, log lines, then end or error. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/x-ndjson": components["schemas"]["PackageInstallEvent"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/queries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Stored results of the project (rule 6: anyone who can view it) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            queries: components["schemas"]["QuerySummary"][];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Run a SQL cell (rule 5: can_edit and access to the connection). Streams NDJSON: {type:"query"}, {type:"columns"}, {type:"rows"}…, then {type:"end"} or {type:"error"}. The result is stored for the project’s viewers. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Omit to use the workspace default (rule 9) */
                        connectionId?: string;
                        maxRows?: number;
                        params?: (string | number | boolean | null)[];
                        sql: string;
                        timeoutMs?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description NDJSON, one QueryStreamEvent per line: query, columns, rows…, then end or error. The x-query-id header names the query (to cancel it). */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/x-ndjson": components["schemas"]["QueryStreamEvent"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/queries/{queryId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A stored result: columns, the first rows (capped), status (rule 6) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                    queryId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["QueryResult"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/queries/{queryId}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a running query: it is stopped in the database (can_edit) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                    queryId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            cancelled: true;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/runtime/env": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every secret of the project as an environment map (can_edit and access to each; a token needs the write scope); audited */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RuntimeEnv"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/runtime/files": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What `atrium run` materializes: each imported integration the caller may use (rule 5), its folder and files (can_edit; a token needs the write scope) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RuntimeFiles"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/runtime/packages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The packages the project runtime materializes under packages/<name>/ (each installed first; only those the caller may use — rule 5) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RuntimePackages"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/secrets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The project's secrets: its own and imported ones (never values) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Actions the caller may take on the project */
                            allowedActions: components["schemas"]["ProjectAction"][];
                            secrets: components["schemas"]["ProjectSecret"][];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a project secret (can_edit) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        description?: string;
                        /** @description An environment variable name: ^[A-Z_][A-Z0-9_]*$ */
                        name: string;
                        /** @description Write-only: never returned except by reveal and runtime env */
                        value: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Secret"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/secrets/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a project secret (can_edit; confirm=true) */
        delete: {
            parameters: {
                query?: {
                    confirm?: "true" | "false";
                    dryRun?: "true" | "false";
                };
                header?: never;
                path: {
                    /** @description An environment variable name: ^[A-Z_][A-Z0-9_]*$ */
                    name: string;
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AssetRemoveResult"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Edit a project secret or set a new value (can_edit) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description An environment variable name: ^[A-Z_][A-Z0-9_]*$ */
                    name: string;
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        description?: string;
                        /** @description Check-and-set: the value version you read (409 if it changed) */
                        expectedVersion?: number;
                        /** @description An environment variable name: ^[A-Z_][A-Z0-9_]*$ */
                        name?: string;
                        /** @description Write-only: never returned except by reveal and runtime env */
                        value?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Secret"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/projects/{projectId}/secrets/{name}/reveal": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reveal a secret’s value (can_edit and access to it — rule 5; a token needs the write scope); audited */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description An environment variable name: ^[A-Z_][A-Z0-9_]*$ */
                    name: string;
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SecretReveal"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's workspaces */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            workspaces: components["schemas"]["WorkspaceSummary"][];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A workspace */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id or slug */
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Workspace"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Rename a workspace or change its plan (admins) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id or slug */
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        plan?: components["schemas"]["PlanInput"];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WorkspaceRecord"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/audit-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The audit log, newest first (admins) */
        get: {
            parameters: {
                query?: {
                    action?: string;
                    actorId?: string;
                    /** @description nextCursor of the previous page */
                    cursor?: number;
                    limit?: number;
                    since?: string;
                    targetId?: string;
                    targetType?: string;
                    until?: string;
                };
                header?: never;
                path: {
                    /** @description Workspace id or slug */
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AuditPage"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/data-connections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Workspace data connections the caller may see (rule 2); never credentials */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id or slug */
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Actions the caller may take in the workspace */
                            allowedActions: components["schemas"]["WorkspaceAction"][];
                            dataConnections: components["schemas"]["DataConnection"][];
                            /** @description null when there is none, or the caller may not see it */
                            defaultConnectionId: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a shared data connection (admins; Professional plan or higher) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id or slug */
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Groups with access: custom group ids, "workspace", "workspace-guests" or "public" */
                        access?: string[];
                        /** @description Per type — postgres: {host, port, database, user, sslMode, options}; mysql: {host, port, database, user, sslMode}; sqlite: {} or {path}; duckdb: {}, {path: ":memory:"} or {path}. SQLite/DuckDB without `path`: the connection gets a database file of its own, created empty (fill it with SQL, or upload one with PUT /projects/{projectId}/data-connections/{id}/file). Project connections cannot name a file (`file_not_allowed`); only workspace admins may set `path`, to an existing file in the files directory (ATRIUM_FILES_DIR), never one of Atrium's own or another connection's. */
                        config: {
                            [key: string]: unknown;
                        };
                        name: string;
                        /** @description Write-only: never returned */
                        password?: string;
                        readOnly?: boolean;
                        type: components["schemas"]["SqlTypeInput"];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DataConnection"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/data-connections/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A data connection (never its credentials) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DataConnection"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete (admins). Without confirm=true answers confirmation_required with the usage; with it, removes it from every project and clears it as default, audited. Cannot be undone. */
        delete: {
            parameters: {
                query?: {
                    confirm?: "true" | "false";
                    dryRun?: "true" | "false";
                };
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AssetRemoveResult"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Edit a data connection (admins); optimistic concurrency with expectedVersion */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Per type — postgres: {host, port, database, user, sslMode, options}; mysql: {host, port, database, user, sslMode}; sqlite: {} or {path}; duckdb: {}, {path: ":memory:"} or {path}. SQLite/DuckDB without `path`: the connection gets a database file of its own, created empty (fill it with SQL, or upload one with PUT /projects/{projectId}/data-connections/{id}/file). Project connections cannot name a file (`file_not_allowed`); only workspace admins may set `path`, to an existing file in the files directory (ATRIUM_FILES_DIR), never one of Atrium's own or another connection's. */
                        config?: {
                            [key: string]: unknown;
                        };
                        /** @description The version you read: a stale one gets 409 */
                        expectedVersion?: number;
                        name?: string;
                        /** @description A new password, or null to remove it */
                        password?: string | null;
                        readOnly?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DataConnection"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/data-connections/{id}/access": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set the groups with access (admins). Previews who would be downgraded; needs confirm when anyone would be (rule 7). */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Groups with access: custom group ids, "workspace", "workspace-guests" or "public" */
                        access: string[];
                        /** @description Proceed although some users would lose access. */
                        confirm?: boolean;
                        /** @description Only return the impact preview; change nothing. */
                        dryRun?: boolean;
                        expectedVersion?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AccessChangeResult"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/data-connections/{id}/schema": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Schemas, tables and columns (users who may use the connection); cached, ?refresh=true to reload */
        get: {
            parameters: {
                query?: {
                    refresh?: "true" | "false";
                };
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ConnectionSchemaResult"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/data-connections/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Test a saved data connection (admins) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ConnectionTestResult"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/data-connections/{id}/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Projects that import it (the Usage column) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AssetUsage"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/data-connections/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Test connection settings before saving (admins) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id or slug */
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Per type — postgres: {host, port, database, user, sslMode, options}; mysql: {host, port, database, user, sslMode}; sqlite: {} or {path}; duckdb: {}, {path: ":memory:"} or {path}. SQLite/DuckDB without `path`: the connection gets a database file of its own, created empty (fill it with SQL, or upload one with PUT /projects/{projectId}/data-connections/{id}/file). Project connections cannot name a file (`file_not_allowed`); only workspace admins may set `path`, to an existing file in the files directory (ATRIUM_FILES_DIR), never one of Atrium's own or another connection's. */
                        config: {
                            [key: string]: unknown;
                        };
                        /** @description Write-only: never returned */
                        password?: string;
                        type: components["schemas"]["SqlTypeInput"];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ConnectionTestResult"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/default-connection": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set as default (rule 9): SQL cells that name no connection use it (admins) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id or slug */
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        connectionId: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DefaultConnection"];
                    };
                };
            };
        };
        post?: never;
        /** Clear the default data connection (admins) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id or slug */
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DefaultConnection"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/file-integrations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** External file integrations (S3) the caller may see (rule 2); never credentials */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id or slug */
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Actions the caller may take in the workspace */
                            allowedActions: components["schemas"]["WorkspaceAction"][];
                            fileIntegrations: components["schemas"]["FileIntegration"][];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Add an S3 bucket (admins; Professional plan or higher). The key is checked first: each missing permission (s3:ListBucket, s3:GetObject, s3:PutObject with writeback) is named and nothing is saved. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id or slug */
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Groups with access: custom group ids, "workspace", "workspace-guests" or "public" */
                        access?: string[];
                        /** @description Write-only: only its last four characters are shown */
                        accessKeyId: string;
                        bucket: string;
                        /** @description For S3-compatible stores, e.g. https://s3.example.com:9000; absent for AWS S3 */
                        endpoint?: string;
                        name: string;
                        /** @default false */
                        pathStyle?: boolean;
                        /** @description Limit the integration to this folder of the bucket */
                        prefix?: string;
                        /** @default us-east-1 */
                        region?: string;
                        /** @description Write-only: never returned */
                        secretAccessKey: string;
                        /**
                         * @description Allow exporting project files to the bucket (needs s3:PutObject)
                         * @default false
                         */
                        writeback?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FileIntegration"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/file-integrations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A file integration (never its credentials) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FileIntegration"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete (admins). Without confirm=true answers confirmation_required with the usage; with it, removes it from every project and clears it as default, audited. Cannot be undone. */
        delete: {
            parameters: {
                query?: {
                    confirm?: "true" | "false";
                    dryRun?: "true" | "false";
                };
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AssetRemoveResult"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Edit a file integration (admins); a changed bucket, key or writeback is checked again before saving */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Write-only: only its last four characters are shown */
                        accessKeyId?: string;
                        bucket?: string;
                        /** @description null for AWS S3 itself */
                        endpoint?: string | null;
                        /** @description The version you read: a stale one gets 409 */
                        expectedVersion?: number;
                        name?: string;
                        pathStyle?: boolean;
                        prefix?: string;
                        region?: string;
                        /** @description Write-only: never returned */
                        secretAccessKey?: string;
                        writeback?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FileIntegration"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/file-integrations/{id}/access": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set the groups with access (admins). Previews who would be downgraded; needs confirm when anyone would be (rule 7). */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Groups with access: custom group ids, "workspace", "workspace-guests" or "public" */
                        access: string[];
                        /** @description Proceed although some users would lose access. */
                        confirm?: boolean;
                        /** @description Only return the impact preview; change nothing. */
                        dryRun?: boolean;
                        expectedVersion?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AccessChangeResult"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/file-integrations/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Check a saved integration’s key against its bucket (admins) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FileIntegrationPermissionReport"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/file-integrations/{id}/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Projects that import it (the Usage column) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AssetUsage"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/file-integrations/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Check bucket settings and a key before saving (admins): which permissions it lacks */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id or slug */
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Write-only: only its last four characters are shown */
                        accessKeyId: string;
                        bucket: string;
                        /** @description For S3-compatible stores, e.g. https://s3.example.com:9000; absent for AWS S3 */
                        endpoint?: string;
                        /** @default false */
                        pathStyle?: boolean;
                        /** @description Limit the integration to this folder of the bucket */
                        prefix?: string;
                        /** @default us-east-1 */
                        region?: string;
                        /** @description Write-only: never returned */
                        secretAccessKey: string;
                        /**
                         * @description Allow exporting project files to the bucket (needs s3:PutObject)
                         * @default false
                         */
                        writeback?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FileIntegrationPermissionReport"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/git-packages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Git packages the caller may see, with usage and allowed actions */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id or slug */
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Actions the caller may take in the workspace */
                            allowedActions: components["schemas"]["WorkspaceAction"][];
                            packages: components["schemas"]["GitPackage"][];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Add a git package (admins; Team plan or higher). Resolves the ref first: a wrong token, repository or ref is refused with what is wrong. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id or slug */
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Groups with access: custom group ids, "workspace", "workspace-guests" or "public" */
                        access?: string[];
                        description?: string;
                        /** @description Install commands: shell lines run in order in the sandbox (set -e), in the package’s directory */
                        installCommands?: string[];
                        name: string;
                        /** @description Let the install commands reach the network (admins; off by default) */
                        network?: boolean;
                        providerId: string;
                        ref: components["schemas"]["GitRefInput"];
                        /** @description The repository path on the provider, e.g. acme/tools */
                        repository: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["GitPackage"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/git-packages/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A git package */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["GitPackage"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete (admins). Without confirm=true answers confirmation_required with the usage; with it, removes it from every project and clears it as default, audited. Cannot be undone. */
        delete: {
            parameters: {
                query?: {
                    confirm?: "true" | "false";
                    dryRun?: "true" | "false";
                };
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AssetRemoveResult"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Edit a git package: provider, repository, ref, install commands, network switch (admins). Existing pins do not move. */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        description?: string;
                        expectedVersion?: number;
                        /** @description Install commands: shell lines run in order in the sandbox (set -e), in the package’s directory */
                        installCommands?: string[];
                        name?: string;
                        network?: boolean;
                        providerId?: string;
                        ref?: components["schemas"]["GitRefInput"];
                        /** @description The repository path on the provider, e.g. acme/tools */
                        repository?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["GitPackage"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/git-packages/{id}/access": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set the groups with access (admins). Previews who would be downgraded; needs confirm when anyone would be (rule 7). */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Groups with access: custom group ids, "workspace", "workspace-guests" or "public" */
                        access: string[];
                        /** @description Proceed although some users would lose access. */
                        confirm?: boolean;
                        /** @description Only return the impact preview; change nothing. */
                        dryRun?: boolean;
                        expectedVersion?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AccessChangeResult"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/git-packages/{id}/update": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Move the pins of a branch package to the branch’s new head (admins; dryRun previews which projects change; audited) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Proceed although some users would lose access. */
                        confirm?: boolean;
                        /** @description Only return the impact preview; change nothing. */
                        dryRun?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["GitPackageUpdateResult"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/git-packages/{id}/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Projects that import it (the Usage column) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AssetUsage"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/git-providers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Git providers of the workspace (admins; never their credentials) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id or slug */
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Actions the caller may take in the workspace */
                            allowedActions: components["schemas"]["WorkspaceAction"][];
                            providers: components["schemas"]["GitProvider"][];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Connect a git provider (admins; Team plan or higher, GitHub Enterprise Server: Enterprise). One GitHub account per workspace and one workspace per GitHub account (rule 11). */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id or slug */
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Per kind — github: {appId, apiBaseUrl?, clientId?}; github_enterprise: {appId, apiBaseUrl, clientId?}; gitlab: {baseUrl?, username?}; bitbucket: {baseUrl?, tokenKind?, email?}; https: {baseUrl, auth: bearer|basic|none, username?} */
                        config: {
                            [key: string]: unknown;
                        };
                        /** @description Write-only, never returned — github*: {privateKey, clientSecret?}; gitlab/bitbucket: {token}; https: {secret?} */
                        credentials: {
                            [key: string]: string;
                        };
                        /** @description GitHub kinds: the id of the App’s installation on the account to use */
                        installationId?: number;
                        kind: components["schemas"]["GitProviderKindInput"];
                        name: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["GitProvider"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/git-providers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A git provider (admins; never its credentials) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["GitProvider"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Disconnect a git provider no package uses (admins) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        /** Edit a git provider or replace its credentials (admins) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Per kind — github: {appId, apiBaseUrl?, clientId?}; github_enterprise: {appId, apiBaseUrl, clientId?}; gitlab: {baseUrl?, username?}; bitbucket: {baseUrl?, tokenKind?, email?}; https: {baseUrl, auth: bearer|basic|none, username?} */
                        config?: {
                            [key: string]: unknown;
                        };
                        /** @description New credentials (replace the old ones whole) */
                        credentials?: {
                            [key: string]: string;
                        };
                        expectedVersion?: number;
                        installationId?: number | null;
                        name?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["GitProvider"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/git-providers/{id}/github/authorize": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start linking the workspace's GitHub account (admins; GitHub kinds with the App's client id and secret): answers GitHub's sign-in URL to open in this browser, and sets a short-lived cookie the callback needs. Optionally names the App installation to use. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description The App installation to link, when the admin can access several (else the only one is used) */
                        installationId?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["GitHubAuthorizeResult"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/git-providers/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Check the credentials (and access to a repository); says what is wrong (admins) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description A repository path (group/project) to check access to; token providers need one */
                        repository?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["GitProviderTestResult"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Built-in and custom groups */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id or slug */
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["GroupList"];
                    };
                };
            };
        };
        put?: never;
        /** Create a custom group (admins) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id or slug */
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        description?: string;
                        name: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CustomGroup"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/groups/{groupId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A custom group and its members */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    groupId: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["GroupDetail"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a group (previews downgrades; needs ?confirm=true when any) */
        delete: {
            parameters: {
                query?: {
                    confirm?: "true" | "false";
                    dryRun?: "true" | "false";
                };
                header?: never;
                path: {
                    groupId: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ImpactResult"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Rename or describe a group (admins) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    groupId: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        description?: string;
                        name?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["GroupInfo"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/groups/{groupId}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Add members to a group (admins) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    groupId: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        userIds: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/groups/{groupId}/members/remove": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Remove members from a group (previews downgrades; needs confirm when any) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    groupId: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Proceed although some users would lose access. */
                        confirm?: boolean;
                        /** @description Only return the impact preview; change nothing. */
                        dryRun?: boolean;
                        userIds: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ImpactResult"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/invitations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Invitations of the workspace, newest first (admins; never their tokens) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id or slug */
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["InvitationList"];
                    };
                };
            };
        };
        put?: never;
        /** Invite someone by email (admins): returns a one-time link, shown once */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id or slug */
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        email: string;
                        /** @description How long the link works (default 7 days, at most 30) */
                        expiresInHours?: number;
                        role: components["schemas"]["RoleInput"];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CreatedInvitation"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/invitations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a pending invitation (admins) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    /** @description Workspace id or slug */
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Members and their roles */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id or slug */
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            members: components["schemas"]["Member"][];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Add a member: invites them (202); they join when they accept the link */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id or slug */
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        email: string;
                        /** @description How long the link works (default 7 days, at most 30) */
                        expiresInHours?: number;
                        role: components["schemas"]["RoleInput"];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CreatedInvitation"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/members/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a member (previews downgrades; needs ?confirm=true when any) */
        delete: {
            parameters: {
                query?: {
                    confirm?: "true" | "false";
                    dryRun?: "true" | "false";
                };
                header?: never;
                path: {
                    userId: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ImpactResult"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a member's role (previews downgrades; needs confirm when any) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    userId: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Proceed although some users would lose access. */
                        confirm?: boolean;
                        /** @description Only return the impact preview; change nothing. */
                        dryRun?: boolean;
                        role: components["schemas"]["RoleInput"];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RoleChangeResult"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/projects": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Projects the caller can view */
        get: {
            parameters: {
                query?: {
                    minLevel?: "can_view" | "can_edit" | "full_access";
                };
                header?: never;
                path: {
                    /** @description Workspace id or slug */
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            projects: components["schemas"]["Project"][];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a project (admins and editors); the creator gets full access */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id or slug */
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        description?: string;
                        name: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Project"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/secrets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Workspace secrets the caller may see (never their values) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id or slug */
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Actions the caller may take in the workspace */
                            allowedActions: components["schemas"]["WorkspaceAction"][];
                            secrets: components["schemas"]["Secret"][];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a workspace secret (admins; Professional plan or higher) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id or slug */
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Groups with access: custom group ids, "workspace", "workspace-guests" or "public" */
                        access?: string[];
                        description?: string;
                        /** @description An environment variable name: ^[A-Z_][A-Z0-9_]*$ */
                        name: string;
                        /** @description Write-only: never returned except by reveal and runtime env */
                        value: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Secret"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/secrets/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A workspace secret (never its value) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Secret"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete (admins). Without confirm=true answers confirmation_required with the usage; with it, removes it from every project and clears it as default, audited. Cannot be undone. */
        delete: {
            parameters: {
                query?: {
                    confirm?: "true" | "false";
                    dryRun?: "true" | "false";
                };
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AssetRemoveResult"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Rename, describe, or set a new value (a new version) — admins */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        description?: string;
                        /** @description Check-and-set: the value version you read (409 if it changed) */
                        expectedVersion?: number;
                        /** @description An environment variable name: ^[A-Z_][A-Z0-9_]*$ */
                        name?: string;
                        /** @description Write-only: never returned except by reveal and runtime env */
                        value?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Secret"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/secrets/{id}/access": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set the groups with access (admins). Previews who would be downgraded; needs confirm when anyone would be (rule 7). */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Groups with access: custom group ids, "workspace", "workspace-guests" or "public" */
                        access: string[];
                        /** @description Proceed although some users would lose access. */
                        confirm?: boolean;
                        /** @description Only return the impact preview; change nothing. */
                        dryRun?: boolean;
                        expectedVersion?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AccessChangeResult"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/secrets/{id}/rollback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Make an earlier value current again, as a new version — admins */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        expectedVersion?: number;
                        version: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Secret"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/secrets/{id}/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Projects that import it (the Usage column) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AssetUsage"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspaces/{ws}/secrets/{id}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Value versions kept (never the values) — admins */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    ws: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            versions: {
                                /**
                                 * Format: date-time
                                 * @description ISO-8601 time (UTC)
                                 */
                                createdAt: string;
                                createdBy: string | null;
                                version: number;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        AcceptedInvitation: {
            /** @description The invited (and now joined) account */
            email: string;
            newUser: boolean;
            role: components["schemas"]["Role"];
            userId: string;
            workspaceId: string;
        };
        AcceptedInvitationInput: {
            /** @description The invited (and now joined) account */
            email: string;
            newUser: boolean;
            role: components["schemas"]["RoleInput"];
            userId: string;
            workspaceId: string;
        };
        AccessChangeResult: {
            /** @description Groups with access: custom group ids, "workspace", "workspace-guests" or "public" */
            access: string[];
            applied: boolean;
            /** @description Every (user, project) whose effective level drops (or would drop) */
            impact: components["schemas"]["ImpactEntry"][];
        };
        AccessChangeResultInput: {
            /** @description Groups with access: custom group ids, "workspace", "workspace-guests" or "public" */
            access: string[];
            applied: boolean;
            /** @description Every (user, project) whose effective level drops (or would drop) */
            impact: components["schemas"]["ImpactEntryInput"][];
        };
        AccessExplanation: {
            capped: components["schemas"]["Level"];
            cappedBy: "viewer_role" | null;
            downgradedBy: string[];
            /** @description The best matching grant */
            grant: components["schemas"]["GrantSubject"] | null;
            granted: components["schemas"]["Level"];
            level: components["schemas"]["Level"];
            matchingGrants: {
                /**
                 * @description Numeric level: 0 none, 1 can_view, 2 can_edit, 3 full_access
                 * @enum {number}
                 */
                level: 0 | 1 | 2 | 3;
                subject: components["schemas"]["GrantSubject"];
            }[];
            projectId: string;
            role: components["schemas"]["Role"] | null;
            /** @description One line per step, for people */
            text: string[];
            userId: string | null;
        };
        AccessExplanationInput: {
            capped: components["schemas"]["LevelInput"];
            cappedBy: "viewer_role" | null;
            downgradedBy: string[];
            /** @description The best matching grant */
            grant: components["schemas"]["GrantSubjectInput"] | null;
            granted: components["schemas"]["LevelInput"];
            level: components["schemas"]["LevelInput"];
            matchingGrants: {
                /**
                 * @description Numeric level: 0 none, 1 can_view, 2 can_edit, 3 full_access
                 * @enum {number}
                 */
                level: 0 | 1 | 2 | 3;
                subject: components["schemas"]["GrantSubjectInput"];
            }[];
            projectId: string;
            role: components["schemas"]["RoleInput"] | null;
            /** @description One line per step, for people */
            text: string[];
            userId: string | null;
        };
        ApiToken: {
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            expiresAt: string | null;
            id: string;
            lastUsedAt: string | null;
            name: string;
            /** @description First characters of the token, to recognise it */
            prefix: string;
            revokedAt: string | null;
            scopes: components["schemas"]["TokenScope"][];
        };
        ApiTokenInput: {
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            expiresAt: string | null;
            id: string;
            lastUsedAt: string | null;
            name: string;
            /** @description First characters of the token, to recognise it */
            prefix: string;
            revokedAt: string | null;
            scopes: components["schemas"]["TokenScopeInput"][];
        };
        /** @enum {string} */
        AssetAction: "see" | "use" | "manage";
        /** @enum {string} */
        AssetActionInput: "see" | "use" | "manage";
        /** @enum {string} */
        AssetKind: "data_connection" | "secret" | "git_package" | "file_integration";
        /** @enum {string} */
        AssetKindInput: "data_connection" | "secret" | "git_package" | "file_integration";
        AssetRemoveResult: {
            applied: boolean;
            /** @description Always true: a delete cannot be undone */
            irreversible: boolean;
            isDefault: boolean;
            usage: components["schemas"]["AssetUsage"];
        };
        AssetRemoveResultInput: {
            applied: boolean;
            /** @description Always true: a delete cannot be undone */
            irreversible: boolean;
            isDefault: boolean;
            usage: components["schemas"]["AssetUsageInput"];
        };
        AssetUsage: {
            /** @description Every importing project, visible or not */
            count: number;
            projects: {
                id: string;
                name: string;
                visible: boolean;
            }[];
        };
        AssetUsageInput: {
            /** @description Every importing project, visible or not */
            count: number;
            projects: {
                id: string;
                name: string;
                visible: boolean;
            }[];
        };
        AuditEvent: {
            action: string;
            actorId: string | null;
            /** @description user, system or anonymous */
            actorType: string;
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            at: string;
            /** @description Never holds a secret */
            details: {
                [key: string]: unknown;
            };
            hash: string;
            id: string;
            ip: string | null;
            prevHash: string;
            requestId: string | null;
            seq: number;
            targetId: string | null;
            targetType: string | null;
            userAgent: string | null;
            /** @description '' for events outside any workspace */
            workspaceId: string;
        };
        AuditEventInput: {
            action: string;
            actorId: string | null;
            /** @description user, system or anonymous */
            actorType: string;
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            at: string;
            /** @description Never holds a secret */
            details: {
                [key: string]: unknown;
            };
            hash: string;
            id: string;
            ip: string | null;
            prevHash: string;
            requestId: string | null;
            seq: number;
            targetId: string | null;
            targetType: string | null;
            userAgent: string | null;
            /** @description '' for events outside any workspace */
            workspaceId: string;
        };
        AuditPage: {
            events: components["schemas"]["AuditEvent"][];
            /** @description Pass as cursor for the next page; null on the last */
            nextCursor: number | null;
        };
        AuditPageInput: {
            events: components["schemas"]["AuditEventInput"][];
            /** @description Pass as cursor for the next page; null on the last */
            nextCursor: number | null;
        };
        BuiltinGroup: {
            /** @constant */
            builtin: true;
            description: string;
            /** @enum {string} */
            id: "workspace" | "workspace-guests" | "public";
            name: string;
        };
        BuiltinGroupInput: {
            /** @constant */
            builtin: true;
            description: string;
            /** @enum {string} */
            id: "workspace" | "workspace-guests" | "public";
            name: string;
        };
        Column: {
            name: string;
            /** @description The engine's own type name, or 'unknown' */
            type: string;
        };
        ColumnInput: {
            name: string;
            /** @description The engine's own type name, or 'unknown' */
            type: string;
        };
        ConnectionSchemaResult: {
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            cachedAt: string;
            fromCache: boolean;
            schema: components["schemas"]["SqlSchema"];
        };
        ConnectionSchemaResultInput: {
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            cachedAt: string;
            fromCache: boolean;
            schema: components["schemas"]["SqlSchemaInput"];
        };
        ConnectionTestResult: {
            latencyMs: number;
            /** @constant */
            ok: true;
            serverVersion: string;
        };
        ConnectionTestResultInput: {
            latencyMs: number;
            /** @constant */
            ok: true;
            serverVersion: string;
        };
        CreatedApiToken: {
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            expiresAt: string | null;
            id: string;
            lastUsedAt: string | null;
            name: string;
            /** @description First characters of the token, to recognise it */
            prefix: string;
            revokedAt: string | null;
            scopes: components["schemas"]["TokenScope"][];
            /** @description The token (atr_…); shown only in this response */
            token: string;
        };
        CreatedApiTokenInput: {
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            expiresAt: string | null;
            id: string;
            lastUsedAt: string | null;
            name: string;
            /** @description First characters of the token, to recognise it */
            prefix: string;
            revokedAt: string | null;
            scopes: components["schemas"]["TokenScopeInput"][];
            /** @description The token (atr_…); shown only in this response */
            token: string;
        };
        CreatedInvitation: {
            /** @description Path of the console page that redeems the token (the token is in the fragment, never sent in a URL to the server) */
            acceptPath: string;
            invitation: components["schemas"]["Invitation"];
            /** @description Shown once: only its hash is stored. Send it to the invitee. */
            token: string;
        };
        CreatedInvitationInput: {
            /** @description Path of the console page that redeems the token (the token is in the fragment, never sent in a URL to the server) */
            acceptPath: string;
            invitation: components["schemas"]["InvitationInput"];
            /** @description Shown once: only its hash is stored. Send it to the invitee. */
            token: string;
        };
        CustomGroup: {
            /** @constant */
            builtin: false;
            /**
             * Format: date-time
             * @description Absent in the answer of create
             */
            createdAt?: string;
            description: string;
            id: string;
            memberCount: number;
            name: string;
        };
        CustomGroupInput: {
            /** @constant */
            builtin: false;
            /**
             * Format: date-time
             * @description Absent in the answer of create
             */
            createdAt?: string;
            description: string;
            id: string;
            memberCount: number;
            name: string;
        };
        DataConnection: {
            /** @description Groups with access: custom group ids, "workspace", "workspace-guests" or "public" */
            access: string[];
            /** @description Actions the caller may take on the asset */
            allowedActions: components["schemas"]["AssetAction"][];
            /** @description Non-secret settings only */
            config: {
                [key: string]: unknown;
            };
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            /** @description The password is write-only: only whether one is set */
            hasPassword: boolean;
            id: string;
            isDefault: boolean;
            name: string;
            projectId: string | null;
            readOnly: boolean;
            /** @enum {string} */
            scope: "workspace" | "project";
            type: components["schemas"]["SqlType"];
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            updatedAt: string;
            usageCount: number;
            version: number;
        };
        DataConnectionInput: {
            /** @description Groups with access: custom group ids, "workspace", "workspace-guests" or "public" */
            access: string[];
            /** @description Actions the caller may take on the asset */
            allowedActions: components["schemas"]["AssetActionInput"][];
            /** @description Non-secret settings only */
            config: {
                [key: string]: unknown;
            };
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            /** @description The password is write-only: only whether one is set */
            hasPassword: boolean;
            id: string;
            isDefault: boolean;
            name: string;
            projectId: string | null;
            readOnly: boolean;
            /** @enum {string} */
            scope: "workspace" | "project";
            type: components["schemas"]["SqlTypeInput"];
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            updatedAt: string;
            usageCount: number;
            version: number;
        };
        DefaultConnection: {
            defaultConnectionId: string | null;
        };
        DefaultConnectionInput: {
            defaultConnectionId: string | null;
        };
        DowngradedGrantee: {
            effective: components["schemas"]["Level"];
            granted: components["schemas"]["Level"];
            missingAssets: string[];
            userId: string;
        };
        DowngradedGranteeInput: {
            effective: components["schemas"]["LevelInput"];
            granted: components["schemas"]["LevelInput"];
            missingAssets: string[];
            userId: string;
        };
        Error: {
            error: {
                /** @description Stable snake_case code */
                code: string;
                details: {
                    [key: string]: unknown;
                };
                /** @description What went wrong, for a person */
                message: string;
            };
            requestId: string;
        };
        ErrorInput: {
            error: {
                /** @description Stable snake_case code */
                code: string;
                details: {
                    [key: string]: unknown;
                };
                /** @description What went wrong, for a person */
                message: string;
            };
            requestId: string;
        };
        FileIntegration: {
            /** @description Groups with access: custom group ids, "workspace", "workspace-guests" or "public" */
            access: string[];
            /** @description The last four characters of the access key id */
            accessKeyIdHint: string;
            /** @description Actions the caller may take on the asset */
            allowedActions: components["schemas"]["AssetAction"][];
            bucket: string;
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            endpoint: string | null;
            /** @description Where imported files go in a project: external-files/s3/<name> */
            folder: string;
            /**
             * @description The key id and secret are write-only
             * @constant
             */
            hasCredentials: true;
            id: string;
            name: string;
            pathStyle: boolean;
            prefix: string;
            region: string;
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            updatedAt: string;
            usageCount: number;
            version: number;
            writeback: boolean;
        };
        FileIntegrationInput: {
            /** @description Groups with access: custom group ids, "workspace", "workspace-guests" or "public" */
            access: string[];
            /** @description The last four characters of the access key id */
            accessKeyIdHint: string;
            /** @description Actions the caller may take on the asset */
            allowedActions: components["schemas"]["AssetActionInput"][];
            bucket: string;
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            endpoint: string | null;
            /** @description Where imported files go in a project: external-files/s3/<name> */
            folder: string;
            /**
             * @description The key id and secret are write-only
             * @constant
             */
            hasCredentials: true;
            id: string;
            name: string;
            pathStyle: boolean;
            prefix: string;
            region: string;
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            updatedAt: string;
            usageCount: number;
            version: number;
            writeback: boolean;
        };
        FileIntegrationPermissionReport: {
            granted: ("s3:ListBucket" | "s3:GetObject" | "s3:PutObject")[];
            missing: {
                message: string;
                /** @enum {string} */
                permission: "s3:ListBucket" | "s3:GetObject" | "s3:PutObject";
            }[];
            /** @description Nothing the integration needs is missing */
            ok: boolean;
            /** @description Could not be told either way (GetObject without ListBucket) */
            unverified: {
                message: string;
                /** @enum {string} */
                permission: "s3:ListBucket" | "s3:GetObject" | "s3:PutObject";
            }[];
        };
        FileIntegrationPermissionReportInput: {
            granted: ("s3:ListBucket" | "s3:GetObject" | "s3:PutObject")[];
            missing: {
                message: string;
                /** @enum {string} */
                permission: "s3:ListBucket" | "s3:GetObject" | "s3:PutObject";
            }[];
            /** @description Nothing the integration needs is missing */
            ok: boolean;
            /** @description Could not be told either way (GetObject without ListBucket) */
            unverified: {
                message: string;
                /** @enum {string} */
                permission: "s3:ListBucket" | "s3:GetObject" | "s3:PutObject";
            }[];
        };
        FileTransferEvent: {
            bytes: number;
            /** @enum {string} */
            direction: "import" | "export";
            files: number;
            /** @constant */
            type: "start";
        } | {
            bytesDone: number;
            filesDone: number;
            key: string;
            loaded: number;
            path: string;
            total: number | null;
            /** @constant */
            type: "progress";
        } | {
            key: string;
            path: string;
            size: number;
            /** @constant */
            type: "file";
            unverifiedReason?: string;
            verifiedBy: string[];
        } | {
            bytes: number;
            durationMs: number;
            files: number;
            /** @constant */
            type: "end";
        } | {
            error: {
                /** @description Stable snake_case code */
                code: string;
                details: {
                    [key: string]: unknown;
                };
                /** @description What went wrong, for a person */
                message: string;
            };
            filesDone: number;
            /** @constant */
            type: "error";
        };
        FileTransferEventInput: {
            bytes: number;
            /** @enum {string} */
            direction: "import" | "export";
            files: number;
            /** @constant */
            type: "start";
        } | {
            bytesDone: number;
            filesDone: number;
            key: string;
            loaded: number;
            path: string;
            total: number | null;
            /** @constant */
            type: "progress";
        } | {
            key: string;
            path: string;
            size: number;
            /** @constant */
            type: "file";
            unverifiedReason?: string;
            verifiedBy: string[];
        } | {
            bytes: number;
            durationMs: number;
            files: number;
            /** @constant */
            type: "end";
        } | {
            error: {
                /** @description Stable snake_case code */
                code: string;
                details: {
                    [key: string]: unknown;
                };
                /** @description What went wrong, for a person */
                message: string;
            };
            filesDone: number;
            /** @constant */
            type: "error";
        };
        GitHubAuthorizeResult: {
            /** @description GitHub's sign-in page for this App: open it in the same browser; GitHub sends it back to the callback */
            authorizeUrl: string;
            /**
             * Format: date-time
             * @description The sign-in must be completed before this time
             */
            expiresAt: string;
        };
        GitHubAuthorizeResultInput: {
            /** @description GitHub's sign-in page for this App: open it in the same browser; GitHub sends it back to the callback */
            authorizeUrl: string;
            /**
             * Format: date-time
             * @description The sign-in must be completed before this time
             */
            expiresAt: string;
        };
        GitPackage: {
            /** @description Groups with access: custom group ids, "workspace", "workspace-guests" or "public" */
            access: string[];
            /** @description Actions the caller may take on the asset */
            allowedActions: components["schemas"]["AssetAction"][];
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            description: string;
            id: string;
            installCommands: string[];
            name: string;
            network: boolean;
            provider: {
                id: string;
                kind: string;
                name: string;
            };
            ref: components["schemas"]["GitRef"];
            repository: string;
            resolvedAt: string | null;
            /** @description The commit the ref named when last resolved */
            resolvedCommit: string | null;
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            updatedAt: string;
            usageCount: number;
            version: number;
        };
        GitPackageInput: {
            /** @description Groups with access: custom group ids, "workspace", "workspace-guests" or "public" */
            access: string[];
            /** @description Actions the caller may take on the asset */
            allowedActions: components["schemas"]["AssetActionInput"][];
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            description: string;
            id: string;
            installCommands: string[];
            name: string;
            network: boolean;
            provider: {
                id: string;
                kind: string;
                name: string;
            };
            ref: components["schemas"]["GitRefInput"];
            repository: string;
            resolvedAt: string | null;
            /** @description The commit the ref named when last resolved */
            resolvedCommit: string | null;
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            updatedAt: string;
            usageCount: number;
            version: number;
        };
        GitPackageUpdateResult: {
            applied: boolean;
            /** @description Projects whose pin moves (names only of projects the caller can view) */
            changes: {
                from: string;
                projectId: string;
                projectName: string;
                to: string;
            }[];
            /** @description The branch’s head now */
            commit: string;
        };
        GitPackageUpdateResultInput: {
            applied: boolean;
            /** @description Projects whose pin moves (names only of projects the caller can view) */
            changes: {
                from: string;
                projectId: string;
                projectName: string;
                to: string;
            }[];
            /** @description The branch’s head now */
            commit: string;
        };
        GitProvider: {
            /** @description Non-secret settings only */
            config: {
                [key: string]: unknown;
            };
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            /** @description The GitHub account this workspace is linked to (rule 11) */
            githubAccount: {
                id: number;
                login: string;
            } | null;
            /** @description The GitHub user (an admin) who linked the account with the OAuth step, and when; null when the installation was set by id */
            githubLinkedBy: {
                id: number;
                /**
                 * Format: date-time
                 * @description ISO-8601 time (UTC)
                 */
                linkedAt: string;
                login: string;
            } | null;
            /**
             * @description Credentials are write-only: never returned
             * @constant
             */
            hasCredentials: true;
            id: string;
            installationId: number | null;
            kind: components["schemas"]["GitProviderKind"];
            name: string;
            packageCount: number;
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            updatedAt: string;
            version: number;
        };
        GitProviderInput: {
            /** @description Non-secret settings only */
            config: {
                [key: string]: unknown;
            };
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            /** @description The GitHub account this workspace is linked to (rule 11) */
            githubAccount: {
                id: number;
                login: string;
            } | null;
            /** @description The GitHub user (an admin) who linked the account with the OAuth step, and when; null when the installation was set by id */
            githubLinkedBy: {
                id: number;
                /**
                 * Format: date-time
                 * @description ISO-8601 time (UTC)
                 */
                linkedAt: string;
                login: string;
            } | null;
            /**
             * @description Credentials are write-only: never returned
             * @constant
             */
            hasCredentials: true;
            id: string;
            installationId: number | null;
            kind: components["schemas"]["GitProviderKindInput"];
            name: string;
            packageCount: number;
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            updatedAt: string;
            version: number;
        };
        /** @enum {string} */
        GitProviderKind: "github" | "github_enterprise" | "gitlab" | "bitbucket" | "https";
        /** @enum {string} */
        GitProviderKindInput: "github" | "github_enterprise" | "gitlab" | "bitbucket" | "https";
        GitProviderTestResult: {
            /** @description What was checked, in order */
            checks: string[];
            /** @description What is wrong, when ok is false */
            error: {
                code: string;
                details: {
                    [key: string]: unknown;
                };
                message: string;
            } | null;
            ok: boolean;
        };
        GitProviderTestResultInput: {
            /** @description What was checked, in order */
            checks: string[];
            /** @description What is wrong, when ok is false */
            error: {
                code: string;
                details: {
                    [key: string]: unknown;
                };
                message: string;
            } | null;
            ok: boolean;
        };
        GitRef: {
            /** @enum {string} */
            kind: "branch" | "tag" | "commit";
            /** @description A branch or tag name, or a full commit id */
            name: string;
        };
        GitRefInput: {
            /** @enum {string} */
            kind: "branch" | "tag" | "commit";
            /** @description A branch or tag name, or a full commit id */
            name: string;
        };
        Grant: {
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            /** @description An email, a group name, "Workspace" or "Anyone on the web" */
            label: string;
            level: components["schemas"]["Level"];
            subject: components["schemas"]["GrantSubject"];
        };
        GrantInput: {
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            /** @description An email, a group name, "Workspace" or "Anyone on the web" */
            label: string;
            level: components["schemas"]["LevelInput"];
            subject: components["schemas"]["GrantSubjectInput"];
        };
        GrantRemovePreview: {
            /** @description Always false: a preview */
            applied: boolean;
            /** @description Every (user, project) whose effective level drops (or would drop) */
            drops: components["schemas"]["ImpactEntry"][];
        };
        GrantRemovePreviewInput: {
            /** @description Always false: a preview */
            applied: boolean;
            /** @description Every (user, project) whose effective level drops (or would drop) */
            drops: components["schemas"]["ImpactEntryInput"][];
        };
        GrantResult: {
            applied: boolean;
            downgraded: components["schemas"]["DowngradedGrantee"][];
            /** @description Every (user, project) whose effective level drops (or would drop) */
            drops: components["schemas"]["ImpactEntry"][];
        };
        GrantResultInput: {
            applied: boolean;
            downgraded: components["schemas"]["DowngradedGranteeInput"][];
            /** @description Every (user, project) whose effective level drops (or would drop) */
            drops: components["schemas"]["ImpactEntryInput"][];
        };
        GrantSubject: {
            /** @constant */
            type: "user";
            userId: string;
        } | {
            groupId: string;
            /** @constant */
            type: "group";
        } | {
            /** @constant */
            type: "public";
        };
        GrantSubjectInput: {
            /** @constant */
            type: "user";
            userId: string;
        } | {
            groupId: string;
            /** @constant */
            type: "group";
        } | {
            /** @constant */
            type: "public";
        };
        GroupDetail: {
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            description: string;
            id: string;
            members: components["schemas"]["GroupMember"][];
            name: string;
        };
        GroupDetailInput: {
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            description: string;
            id: string;
            members: components["schemas"]["GroupMemberInput"][];
            name: string;
        };
        GroupInfo: {
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            description: string;
            id: string;
            name: string;
        };
        GroupInfoInput: {
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            description: string;
            id: string;
            name: string;
        };
        GroupList: {
            builtin: components["schemas"]["BuiltinGroup"][];
            custom: components["schemas"]["CustomGroup"][];
        };
        GroupListInput: {
            builtin: components["schemas"]["BuiltinGroupInput"][];
            custom: components["schemas"]["CustomGroupInput"][];
        };
        GroupMember: {
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            addedAt: string;
            email: string;
            name: string;
            userId: string;
        };
        GroupMemberInput: {
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            addedAt: string;
            email: string;
            name: string;
            userId: string;
        };
        ImpactEntry: {
            from: components["schemas"]["Level"];
            /** @description Imported assets the user lacks access to, when they cause the drop */
            missingAssets?: string[];
            projectId: string;
            to: components["schemas"]["Level"];
            userId: string;
        };
        ImpactEntryInput: {
            from: components["schemas"]["LevelInput"];
            /** @description Imported assets the user lacks access to, when they cause the drop */
            missingAssets?: string[];
            projectId: string;
            to: components["schemas"]["LevelInput"];
            userId: string;
        };
        ImpactResult: {
            /** @description false for a dryRun preview */
            applied: boolean;
            /** @description Every (user, project) whose effective level drops (or would drop) */
            impact: components["schemas"]["ImpactEntry"][];
        };
        ImpactResultInput: {
            /** @description false for a dryRun preview */
            applied: boolean;
            /** @description Every (user, project) whose effective level drops (or would drop) */
            impact: components["schemas"]["ImpactEntryInput"][];
        };
        ImportPackageResult: {
            alreadyImported: boolean;
            applied: boolean;
            /** @description Every (user, project) whose effective level drops (or would drop) */
            impact: components["schemas"]["ImpactEntry"][];
            package: components["schemas"]["ProjectPackage"] | null;
        };
        ImportPackageResultInput: {
            alreadyImported: boolean;
            applied: boolean;
            /** @description Every (user, project) whose effective level drops (or would drop) */
            impact: components["schemas"]["ImpactEntryInput"][];
            package: components["schemas"]["ProjectPackageInput"] | null;
        };
        ImportResult: {
            alreadyImported: boolean;
            applied: boolean;
            /** @description Every (user, project) whose effective level drops (or would drop) */
            impact: components["schemas"]["ImpactEntry"][];
        };
        ImportResultInput: {
            alreadyImported: boolean;
            applied: boolean;
            /** @description Every (user, project) whose effective level drops (or would drop) */
            impact: components["schemas"]["ImpactEntryInput"][];
        };
        Invitation: {
            acceptedAt: string | null;
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            email: string;
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            expiresAt: string;
            id: string;
            role: components["schemas"]["Role"];
            /** @enum {string} */
            status: "pending" | "accepted" | "revoked" | "expired";
        };
        InvitationInput: {
            acceptedAt: string | null;
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            email: string;
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            expiresAt: string;
            id: string;
            role: components["schemas"]["RoleInput"];
            /** @enum {string} */
            status: "pending" | "accepted" | "revoked" | "expired";
        };
        InvitationList: {
            invitations: components["schemas"]["Invitation"][];
        };
        InvitationListInput: {
            invitations: components["schemas"]["InvitationInput"][];
        };
        /**
         * @description Project permission level
         * @enum {string}
         */
        Level: "none" | "can_view" | "can_edit" | "full_access";
        /**
         * @description Project permission level
         * @enum {string}
         */
        LevelInput: "none" | "can_view" | "can_edit" | "full_access";
        LoginResponse: {
            /** @description Send it as X-CSRF-Token with every change made with the session cookie */
            csrfToken: string;
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            expiresAt: string;
            userId: string;
        };
        LoginResponseInput: {
            /** @description Send it as X-CSRF-Token with every change made with the session cookie */
            csrfToken: string;
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            expiresAt: string;
            userId: string;
        };
        Me: {
            /** @enum {string} */
            authenticatedVia: "session" | "token";
            /** @description Session callers only */
            csrfToken?: string;
            /** @description API-token callers only */
            tokenScopes?: components["schemas"]["TokenScope"][];
            user: {
                /**
                 * Format: date-time
                 * @description ISO-8601 time (UTC)
                 */
                createdAt: string;
                email: string;
                id: string;
                name: string;
            };
            workspaces: components["schemas"]["WorkspaceSummary"][];
        };
        MeInput: {
            /** @enum {string} */
            authenticatedVia: "session" | "token";
            /** @description Session callers only */
            csrfToken?: string;
            /** @description API-token callers only */
            tokenScopes?: components["schemas"]["TokenScopeInput"][];
            user: {
                /**
                 * Format: date-time
                 * @description ISO-8601 time (UTC)
                 */
                createdAt: string;
                email: string;
                id: string;
                name: string;
            };
            workspaces: components["schemas"]["WorkspaceSummaryInput"][];
        };
        Member: {
            email: string;
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            joinedAt: string;
            name: string;
            role: components["schemas"]["Role"];
            userId: string;
        };
        MemberInput: {
            email: string;
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            joinedAt: string;
            name: string;
            role: components["schemas"]["RoleInput"];
            userId: string;
        };
        PackageInstallEvent: {
            commit: string;
            /** @enum {string} */
            status: "pending" | "installing" | "installed" | "failed";
            /** @constant */
            type: "status";
        } | {
            line: string;
            /** @constant */
            type: "log";
        } | {
            artifactKey: string | null;
            cached: boolean;
            commit: string;
            /** @enum {string} */
            status: "pending" | "installing" | "installed" | "failed";
            /** @constant */
            type: "end";
        } | {
            code: string;
            message: string;
            /** @constant */
            type: "error";
        };
        PackageInstallEventInput: {
            commit: string;
            /** @enum {string} */
            status: "pending" | "installing" | "installed" | "failed";
            /** @constant */
            type: "status";
        } | {
            line: string;
            /** @constant */
            type: "log";
        } | {
            artifactKey: string | null;
            cached: boolean;
            commit: string;
            /** @enum {string} */
            status: "pending" | "installing" | "installed" | "failed";
            /** @constant */
            type: "end";
        } | {
            code: string;
            message: string;
            /** @constant */
            type: "error";
        };
        /** @enum {string} */
        Plan: "community" | "professional" | "team" | "enterprise";
        /** @enum {string} */
        PlanInput: "community" | "professional" | "team" | "enterprise";
        Project: {
            /** @description The caller's effective level */
            access: {
                level: components["schemas"]["Level"];
            };
            /** @description Actions the caller may take on the project */
            allowedActions: components["schemas"]["ProjectAction"][];
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            createdBy: string | null;
            description: string;
            id: string;
            name: string;
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            updatedAt: string;
            workspaceId: string;
        };
        ProjectAccess: {
            /** @description Actions the caller may take on the project */
            allowedActions: components["schemas"]["ProjectAction"][];
            /** @constant */
            cappedBy?: "viewer_role";
            /** @description Imported assets the caller lacks access to, when they lowered the level */
            downgradedBy: string[];
            /** @description Before the role cap and downgrade */
            granted: components["schemas"]["Level"];
            level: components["schemas"]["Level"];
            projectId: string;
        };
        ProjectAccessInput: {
            /** @description Actions the caller may take on the project */
            allowedActions: components["schemas"]["ProjectActionInput"][];
            /** @constant */
            cappedBy?: "viewer_role";
            /** @description Imported assets the caller lacks access to, when they lowered the level */
            downgradedBy: string[];
            /** @description Before the role cap and downgrade */
            granted: components["schemas"]["LevelInput"];
            level: components["schemas"]["LevelInput"];
            projectId: string;
        };
        /** @enum {string} */
        ProjectAction: "view" | "view_results" | "edit" | "share" | "delete" | "import_asset" | "run_query" | "reveal_secret" | "install_package" | "use_files" | "explain";
        /** @enum {string} */
        ProjectActionInput: "view" | "view_results" | "edit" | "share" | "delete" | "import_asset" | "run_query" | "reveal_secret" | "install_package" | "use_files" | "explain";
        ProjectDataConnection: {
            /** @description Groups with access: custom group ids, "workspace", "workspace-guests" or "public" */
            access: string[];
            /** @description Actions the caller may take on the asset */
            allowedActions: components["schemas"]["AssetAction"][];
            canQuery: boolean;
            /** @description Non-secret settings only */
            config: {
                [key: string]: unknown;
            };
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            /** @description The password is write-only: only whether one is set */
            hasPassword: boolean;
            id: string;
            imported: boolean;
            isDefault: boolean;
            name: string;
            projectId: string | null;
            readOnly: boolean;
            /** @enum {string} */
            scope: "workspace" | "project";
            type: components["schemas"]["SqlType"];
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            updatedAt: string;
            usageCount: number;
            version: number;
        };
        ProjectDataConnectionInput: {
            /** @description Groups with access: custom group ids, "workspace", "workspace-guests" or "public" */
            access: string[];
            /** @description Actions the caller may take on the asset */
            allowedActions: components["schemas"]["AssetActionInput"][];
            canQuery: boolean;
            /** @description Non-secret settings only */
            config: {
                [key: string]: unknown;
            };
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            /** @description The password is write-only: only whether one is set */
            hasPassword: boolean;
            id: string;
            imported: boolean;
            isDefault: boolean;
            name: string;
            projectId: string | null;
            readOnly: boolean;
            /** @enum {string} */
            scope: "workspace" | "project";
            type: components["schemas"]["SqlTypeInput"];
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            updatedAt: string;
            usageCount: number;
            version: number;
        };
        ProjectFile: {
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            modified: string;
            path: string;
            size: number;
            /** @description What a DuckDB SQL cell of this project reads it by, relative to the project files (editors only) */
            sqlPath?: string;
        };
        ProjectFileInput: {
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            modified: string;
            path: string;
            size: number;
            /** @description What a DuckDB SQL cell of this project reads it by, relative to the project files (editors only) */
            sqlPath?: string;
        };
        ProjectFileIntegration: {
            /** @description Browse, import and (with writeback) export: can_edit and access (rule 5) */
            canUse: boolean;
            folder: string | null;
            id: string;
            name: string | null;
            visible: boolean;
            writeback: boolean | null;
        };
        ProjectFileIntegrationInput: {
            /** @description Browse, import and (with writeback) export: can_edit and access (rule 5) */
            canUse: boolean;
            folder: string | null;
            id: string;
            name: string | null;
            visible: boolean;
            writeback: boolean | null;
        };
        ProjectFileList: {
            /** @description Actions the caller may take on the project */
            allowedActions: components["schemas"]["ProjectAction"][];
            files: components["schemas"]["ProjectFile"][];
            usage: components["schemas"]["ProjectFileUsage"];
        };
        ProjectFileListInput: {
            /** @description Actions the caller may take on the project */
            allowedActions: components["schemas"]["ProjectActionInput"][];
            files: components["schemas"]["ProjectFileInput"][];
            usage: components["schemas"]["ProjectFileUsageInput"];
        };
        ProjectFileUsage: {
            bytes: number;
            files: number;
            maxBytes: number;
            maxFiles: number;
        };
        ProjectFileUsageInput: {
            bytes: number;
            files: number;
            maxBytes: number;
            maxFiles: number;
        };
        ProjectImport: {
            id: string;
            kind: components["schemas"]["AssetKind"];
            /** @description null when the caller may not see the asset */
            name: string | null;
            /** @enum {string} */
            scope: "project" | "workspace";
            usable: boolean;
            visible: boolean;
        };
        ProjectImportInput: {
            id: string;
            kind: components["schemas"]["AssetKindInput"];
            /** @description null when the caller may not see the asset */
            name: string | null;
            /** @enum {string} */
            scope: "project" | "workspace";
            usable: boolean;
            visible: boolean;
        };
        ProjectInput: {
            /** @description The caller's effective level */
            access: {
                level: components["schemas"]["LevelInput"];
            };
            /** @description Actions the caller may take on the project */
            allowedActions: components["schemas"]["ProjectActionInput"][];
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            createdBy: string | null;
            description: string;
            id: string;
            name: string;
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            updatedAt: string;
            workspaceId: string;
        };
        ProjectPackage: {
            artifactKey?: string | null;
            /** @description The pinned commit (null until pinned) */
            commit?: string | null;
            error?: {
                code: string;
                message: string;
            } | null;
            id: string;
            installedAt?: string | null;
            /** @description The install log (capped) */
            log?: string;
            /** @description null unless the caller may see the package, or was granted can_edit on the project */
            name: string | null;
            /** @description Installed with other install commands or another network switch than the package has now: reinstall to rebuild at the same commit */
            outdated?: boolean;
            /** @description What changed since the install, when outdated */
            outdatedReason?: string | null;
            pinnedAt?: string | null;
            ref?: components["schemas"]["GitRef"];
            repository?: string;
            /** @enum {string} */
            status?: "pending" | "installing" | "installed" | "failed";
            /** @description Rule 5: the caller may install and download it here */
            usable: boolean;
            visible: boolean;
        };
        ProjectPackageInput: {
            artifactKey?: string | null;
            /** @description The pinned commit (null until pinned) */
            commit?: string | null;
            error?: {
                code: string;
                message: string;
            } | null;
            id: string;
            installedAt?: string | null;
            /** @description The install log (capped) */
            log?: string;
            /** @description null unless the caller may see the package, or was granted can_edit on the project */
            name: string | null;
            /** @description Installed with other install commands or another network switch than the package has now: reinstall to rebuild at the same commit */
            outdated?: boolean;
            /** @description What changed since the install, when outdated */
            outdatedReason?: string | null;
            pinnedAt?: string | null;
            ref?: components["schemas"]["GitRefInput"];
            repository?: string;
            /** @enum {string} */
            status?: "pending" | "installing" | "installed" | "failed";
            /** @description Rule 5: the caller may install and download it here */
            usable: boolean;
            visible: boolean;
        };
        ProjectSecret: {
            /** @description Groups with access: custom group ids, "workspace", "workspace-guests" or "public" */
            access?: string[];
            canReveal: boolean;
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt?: string;
            /** @description The value version in force */
            currentVersion?: number;
            description?: string;
            /** @constant */
            hasValue?: true;
            id: string;
            lastUsedAt?: string | null;
            lastUsedProjectId?: string | null;
            /** @description null unless the caller may see the secret, or was granted can_edit on the project */
            name: string | null;
            projectId: string | null;
            /** @enum {string} */
            scope: "workspace" | "project";
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            updatedAt?: string;
            /** @description The asset version, for optimistic concurrency of edits */
            version?: number;
            /** @description whether the caller may see the secret; when false, only the fields above are present */
            visible: boolean;
        };
        ProjectSecretInput: {
            /** @description Groups with access: custom group ids, "workspace", "workspace-guests" or "public" */
            access?: string[];
            canReveal: boolean;
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt?: string;
            /** @description The value version in force */
            currentVersion?: number;
            description?: string;
            /** @constant */
            hasValue?: true;
            id: string;
            lastUsedAt?: string | null;
            lastUsedProjectId?: string | null;
            /** @description null unless the caller may see the secret, or was granted can_edit on the project */
            name: string | null;
            projectId: string | null;
            /** @enum {string} */
            scope: "workspace" | "project";
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            updatedAt?: string;
            /** @description The asset version, for optimistic concurrency of edits */
            version?: number;
            /** @description whether the caller may see the secret; when false, only the fields above are present */
            visible: boolean;
        };
        QueryResult: {
            columns: components["schemas"]["Column"][];
            connectionId: string | null;
            /** @description null for a caller who may not see the connection (rule 2), or when it was deleted */
            connectionName: string | null;
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            createdBy: string | null;
            durationMs: number;
            /** @description {code, message, details} when the query failed */
            error: {
                [key: string]: unknown;
            } | null;
            id: string;
            rowCount: number;
            rows: unknown[][];
            sql: string;
            /**
             * @description succeeded; failed; cancelled (by a cancel or the client hanging up); timed_out (stopped by its time limit)
             * @enum {string}
             */
            status: "succeeded" | "failed" | "cancelled" | "timed_out";
            /** @description Rows kept for viewers (capped) */
            storedRows: number;
            truncated: boolean;
        };
        QueryResultInput: {
            columns: components["schemas"]["ColumnInput"][];
            connectionId: string | null;
            /** @description null for a caller who may not see the connection (rule 2), or when it was deleted */
            connectionName: string | null;
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            createdBy: string | null;
            durationMs: number;
            /** @description {code, message, details} when the query failed */
            error: {
                [key: string]: unknown;
            } | null;
            id: string;
            rowCount: number;
            rows: unknown[][];
            sql: string;
            /**
             * @description succeeded; failed; cancelled (by a cancel or the client hanging up); timed_out (stopped by its time limit)
             * @enum {string}
             */
            status: "succeeded" | "failed" | "cancelled" | "timed_out";
            /** @description Rows kept for viewers (capped) */
            storedRows: number;
            truncated: boolean;
        };
        QueryStreamEvent: {
            connectionId: string;
            connectionName: string;
            queryId: string;
            /** @constant */
            type: "query";
        } | {
            columns: components["schemas"]["Column"][];
            /** @constant */
            type: "columns";
        } | {
            rows: unknown[][];
            /** @constant */
            type: "rows";
        } | {
            durationMs: number;
            queryId: string;
            rowCount: number;
            storedRows: number;
            truncated: boolean;
            /** @constant */
            type: "end";
        } | {
            error: {
                /** @description Stable snake_case code */
                code: string;
                details: {
                    [key: string]: unknown;
                };
                /** @description What went wrong, for a person */
                message: string;
            };
            /** @constant */
            type: "error";
        };
        QueryStreamEventInput: {
            connectionId: string;
            connectionName: string;
            queryId: string;
            /** @constant */
            type: "query";
        } | {
            columns: components["schemas"]["ColumnInput"][];
            /** @constant */
            type: "columns";
        } | {
            rows: unknown[][];
            /** @constant */
            type: "rows";
        } | {
            durationMs: number;
            queryId: string;
            rowCount: number;
            storedRows: number;
            truncated: boolean;
            /** @constant */
            type: "end";
        } | {
            error: {
                /** @description Stable snake_case code */
                code: string;
                details: {
                    [key: string]: unknown;
                };
                /** @description What went wrong, for a person */
                message: string;
            };
            /** @constant */
            type: "error";
        };
        QuerySummary: {
            connectionId: string | null;
            /** @description null for a caller who may not see the connection (rule 2), or when it was deleted */
            connectionName: string | null;
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            createdBy: string | null;
            durationMs: number;
            id: string;
            rowCount: number;
            sql: string;
            /**
             * @description succeeded; failed; cancelled (by a cancel or the client hanging up); timed_out (stopped by its time limit)
             * @enum {string}
             */
            status: "succeeded" | "failed" | "cancelled" | "timed_out";
            /** @description Rows kept for viewers (capped) */
            storedRows: number;
            truncated: boolean;
        };
        QuerySummaryInput: {
            connectionId: string | null;
            /** @description null for a caller who may not see the connection (rule 2), or when it was deleted */
            connectionName: string | null;
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            createdBy: string | null;
            durationMs: number;
            id: string;
            rowCount: number;
            sql: string;
            /**
             * @description succeeded; failed; cancelled (by a cancel or the client hanging up); timed_out (stopped by its time limit)
             * @enum {string}
             */
            status: "succeeded" | "failed" | "cancelled" | "timed_out";
            /** @description Rows kept for viewers (capped) */
            storedRows: number;
            truncated: boolean;
        };
        /**
         * @description Workspace role
         * @enum {string}
         */
        Role: "admin" | "editor" | "viewer" | "guest";
        RoleChangeResult: {
            applied: boolean;
            /** @description Set when applied */
            from?: components["schemas"]["Role"];
            /** @description Every (user, project) whose effective level drops (or would drop) */
            impact: components["schemas"]["ImpactEntry"][];
            /** @description Set when applied */
            to?: components["schemas"]["Role"];
        };
        RoleChangeResultInput: {
            applied: boolean;
            /** @description Set when applied */
            from?: components["schemas"]["RoleInput"];
            /** @description Every (user, project) whose effective level drops (or would drop) */
            impact: components["schemas"]["ImpactEntryInput"][];
            /** @description Set when applied */
            to?: components["schemas"]["RoleInput"];
        };
        /**
         * @description Workspace role
         * @enum {string}
         */
        RoleInput: "admin" | "editor" | "viewer" | "guest";
        RuntimeEnv: {
            env: {
                [key: string]: string;
            };
        };
        RuntimeEnvInput: {
            env: {
                [key: string]: string;
            };
        };
        RuntimeFiles: {
            integrations: {
                files: {
                    /**
                     * Format: date-time
                     * @description ISO-8601 time (UTC)
                     */
                    modified: string;
                    path: string;
                    size: number;
                }[];
                folder: string;
                id: string;
                name: string;
                writeback: boolean;
            }[];
        };
        RuntimeFilesInput: {
            integrations: {
                files: {
                    /**
                     * Format: date-time
                     * @description ISO-8601 time (UTC)
                     */
                    modified: string;
                    path: string;
                    size: number;
                }[];
                folder: string;
                id: string;
                name: string;
                writeback: boolean;
            }[];
        };
        RuntimePackages: {
            packages: {
                /** @description GET this (tar) to materialize it under packages/<name>/; null when the install failed */
                archivePath: string | null;
                artifactKey: string | null;
                commit: string | null;
                error: {
                    code: string;
                    message: string;
                } | null;
                name: string;
                /** @enum {string} */
                status: "installed" | "failed";
            }[];
        };
        RuntimePackagesInput: {
            packages: {
                /** @description GET this (tar) to materialize it under packages/<name>/; null when the install failed */
                archivePath: string | null;
                artifactKey: string | null;
                commit: string | null;
                error: {
                    code: string;
                    message: string;
                } | null;
                name: string;
                /** @enum {string} */
                status: "installed" | "failed";
            }[];
        };
        S3ObjectListing: {
            folders: {
                name: string;
                prefix: string;
            }[];
            /** @description Present when there is more; a filtered page can be short and still have more */
            nextPageToken?: string;
            objects: {
                key: string;
                modified: string | null;
                name: string;
                size: number;
            }[];
        };
        S3ObjectListingInput: {
            folders: {
                name: string;
                prefix: string;
            }[];
            /** @description Present when there is more; a filtered page can be short and still have more */
            nextPageToken?: string;
            objects: {
                key: string;
                modified: string | null;
                name: string;
                size: number;
            }[];
        };
        Secret: {
            /** @description Groups with access: custom group ids, "workspace", "workspace-guests" or "public" */
            access: string[];
            /** @description Actions the caller may take on the asset */
            allowedActions: components["schemas"]["AssetAction"][];
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            /** @description The value version in force */
            currentVersion: number;
            description: string;
            /** @constant */
            hasValue: true;
            id: string;
            lastUsedAt: string | null;
            lastUsedProjectId: string | null;
            name: string;
            projectId: string | null;
            /** @enum {string} */
            scope: "workspace" | "project";
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            updatedAt: string;
            usageCount: number;
            /** @description The asset version, for optimistic concurrency of edits */
            version: number;
        };
        SecretInput: {
            /** @description Groups with access: custom group ids, "workspace", "workspace-guests" or "public" */
            access: string[];
            /** @description Actions the caller may take on the asset */
            allowedActions: components["schemas"]["AssetActionInput"][];
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            /** @description The value version in force */
            currentVersion: number;
            description: string;
            /** @constant */
            hasValue: true;
            id: string;
            lastUsedAt: string | null;
            lastUsedProjectId: string | null;
            name: string;
            projectId: string | null;
            /** @enum {string} */
            scope: "workspace" | "project";
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            updatedAt: string;
            usageCount: number;
            /** @description The asset version, for optimistic concurrency of edits */
            version: number;
        };
        SecretReveal: {
            name: string;
            value: string;
            version: number;
        };
        SecretRevealInput: {
            name: string;
            value: string;
            version: number;
        };
        SqlSchema: {
            schemas: {
                name: string;
                tables: {
                    columns: components["schemas"]["Column"][];
                    /** @enum {string} */
                    kind: "table" | "view";
                    name: string;
                }[];
            }[];
        };
        SqlSchemaInput: {
            schemas: {
                name: string;
                tables: {
                    columns: components["schemas"]["ColumnInput"][];
                    /** @enum {string} */
                    kind: "table" | "view";
                    name: string;
                }[];
            }[];
        };
        /** @enum {string} */
        SqlType: "postgres" | "mysql" | "sqlite" | "duckdb";
        /** @enum {string} */
        SqlTypeInput: "postgres" | "mysql" | "sqlite" | "duckdb";
        /** @enum {string} */
        TokenScope: "read" | "write";
        /** @enum {string} */
        TokenScopeInput: "read" | "write";
        Workspace: {
            /** @description Actions the caller may take in the workspace */
            allowedActions: components["schemas"]["WorkspaceAction"][];
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            defaultConnectionId: string | null;
            id: string;
            name: string;
            plan: components["schemas"]["Plan"];
            role: components["schemas"]["Role"];
            slug: string;
        };
        /** @enum {string} */
        WorkspaceAction: "view_members" | "create_project" | "manage_members" | "manage_groups" | "manage_assets" | "read_audit";
        /** @enum {string} */
        WorkspaceActionInput: "view_members" | "create_project" | "manage_members" | "manage_groups" | "manage_assets" | "read_audit";
        WorkspaceInput: {
            /** @description Actions the caller may take in the workspace */
            allowedActions: components["schemas"]["WorkspaceActionInput"][];
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            defaultConnectionId: string | null;
            id: string;
            name: string;
            plan: components["schemas"]["PlanInput"];
            role: components["schemas"]["RoleInput"];
            slug: string;
        };
        WorkspaceRecord: {
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            defaultConnectionId: string | null;
            id: string;
            name: string;
            plan: components["schemas"]["Plan"];
            slug: string;
        };
        WorkspaceRecordInput: {
            /**
             * Format: date-time
             * @description ISO-8601 time (UTC)
             */
            createdAt: string;
            defaultConnectionId: string | null;
            id: string;
            name: string;
            plan: components["schemas"]["PlanInput"];
            slug: string;
        };
        WorkspaceSummary: {
            /** @description Actions the caller may take in the workspace */
            allowedActions: components["schemas"]["WorkspaceAction"][];
            id: string;
            name: string;
            plan: components["schemas"]["Plan"];
            role: components["schemas"]["Role"];
            slug: string;
        };
        WorkspaceSummaryInput: {
            /** @description Actions the caller may take in the workspace */
            allowedActions: components["schemas"]["WorkspaceActionInput"][];
            id: string;
            name: string;
            plan: components["schemas"]["PlanInput"];
            role: components["schemas"]["RoleInput"];
            slug: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
