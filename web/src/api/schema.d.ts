/**
 * Generated from the server's OpenAPI document by `npm run api:generate` (scripts/generate-api-client.mjs).
 * Do not edit: change the server's DTOs and controllers, then regenerate. `npm run api:check` fails in CI when this is stale.
 */

export interface paths {
    "/api/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Database reachability and whether AI grading is available (and why not), with the Claude client's concurrency and the grading queue. */
        get: operations["HealthController_health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/options": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Which sign-in methods this server offers (for the sign-in page). */
        get: operations["AuthController_options"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/dev-login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Development sign-in: only when NODE_ENV is not production and AUTH_DEV_LOGIN=true or Google is not configured. */
        post: operations["AuthController_devLogin"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/google": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Starts Google sign-in: redirects the browser to Google with a one-time state. */
        get: operations["AuthController_google"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/google/callback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Where Google sends the browser back. Signs the person in and redirects to `/`, or redirects to
         *     `/sign-in?error=<reason>` (domain_not_allowed, email_not_verified, account_disabled,
         *     access_denied, invalid_state, invalid_request, google_error).
         */
        get: operations["AuthController_googleCallback"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["AuthController_me"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Ends the browser session (the cookie stops working) and records user.logout. */
        post: operations["AuthController_logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your tokens that are not revoked, newest first (without the secret). */
        get: operations["ApiTokensController_list"];
        put?: never;
        /** Creates a token and returns it once; only its hash is kept. Needs a browser session. */
        post: operations["ApiTokensController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revokes one of your tokens; it stops working at once. */
        delete: operations["ApiTokensController_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Users by email, filtered by role and by part of the email or name. */
        get: operations["UsersController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Changes a user's role or disables/enables them (disabling ends their sessions). Not for yourself. */
        patch: operations["UsersController_update"];
        trace?: never;
    };
    "/api/classes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The signed-in teacher's classes, sorted by name; archived classes only with includeArchived=true. */
        get: operations["ClassesController_list"];
        put?: never;
        /** Creates a class owned by the signed-in teacher, in their school. */
        post: operations["ClassesController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/classes/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ClassesController_get"];
        put?: never;
        post?: never;
        /** Archives the class (soft delete): hidden from the list, read-only, roster and history kept. */
        delete: operations["ClassesController_archive"];
        options?: never;
        head?: never;
        /** Renames or edits a class. Send If-Match with the version you read to avoid overwriting someone else's change. */
        patch: operations["ClassesController_update"];
        trace?: never;
    };
    "/api/classes/{id}/students": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The roster of a class, by name; `q` filters by part of the name. */
        get: operations["StudentsController_list"];
        put?: never;
        /** Adds a student to the class. Email and student id must be unique in the class (409 naming the field). */
        post: operations["StudentsController_add"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/students/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["StudentsController_get"];
        put?: never;
        post?: never;
        /** Removes the student from the roster. */
        delete: operations["StudentsController_remove"];
        options?: never;
        head?: never;
        /** Corrects a student. Send If-Match with the version you read to avoid overwriting someone else's change. */
        patch: operations["StudentsController_update"];
        trace?: never;
    };
    "/api/classes/{id}/students/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Imports a roster CSV into the class, all or nothing: any bad row answers 400 naming every bad
         *     row and column, and nothing is written. Re-importing the same file changes nothing.
         */
        post: operations["RostersController_importCsv"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/classes/{id}/students/export.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The roster as CSV (name, email, student id); cells that a spreadsheet would run as formulas are prefixed with '. */
        get: operations["RostersController_exportCsv"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/rosters/oneroster": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Imports a OneRoster 1.1 or 1.2 CSV bundle (admins only): schools, teachers, classes and
         *     students, all or nothing. Re-importing the same bundle changes nothing and records nothing.
         */
        post: operations["RostersController_importOneRoster"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/rubrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The shipped templates and your own rubrics, own ones first (most recently changed first). */
        get: operations["RubricsController_list"];
        put?: never;
        /** Creates your own rubric at version 1. */
        post: operations["RubricsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/rubrics/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A template or one of your rubrics at its current version; the ETag header is that version. */
        get: operations["RubricsController_get"];
        put?: never;
        post?: never;
        /** Deletes your rubric (soft: grades keep the versions they were scored with). */
        delete: operations["RubricsController_remove"];
        options?: never;
        head?: never;
        /** Edits your rubric by creating its next version. With If-Match, only if that version is still current (else 409). */
        patch: operations["RubricsController_update"];
        trace?: never;
    };
    "/api/rubrics/{id}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every version of the rubric, oldest first. */
        get: operations["RubricsController_versions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/rubrics/{id}/versions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The rubric exactly as it was at this version (what grades scored with it saw). */
        get: operations["RubricsController_version"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/rubrics/{id}/copy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Copies a template or one of your rubrics into a new rubric of yours. */
        post: operations["RubricsController_copy"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/classes/{classId}/assignments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The class's assignments, newest first, optionally only those in one status. */
        get: operations["AssignmentsController_list"];
        put?: never;
        /** Creates a draft assignment in your class, graded with a rubric (its current version is pinned) or an answer key. */
        post: operations["AssignmentsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/assignments/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One assignment; the ETag header is its version. */
        get: operations["AssignmentsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Edits the assignment. The rubric and the answer key change only while it is a draft. */
        patch: operations["AssignmentsController_update"];
        trace?: never;
    };
    "/api/assignments/{id}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Moves the assignment along draft → active → closed → archived (closed → active reopens; a draft can be archived). */
        post: operations["AssignmentsController_changeStatus"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/assignments/{id}/submissions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The assignment's submissions in upload order, optionally by grading status or match status. */
        get: operations["SubmissionsController_list"];
        put?: never;
        /**
         * Uploads work to the assignment: several files at once (photos or scans as JPEG, PNG or WebP,
         *     PDFs, plain text), or a typed essay. Types are read from the bytes; EXIF orientation is applied
         *     and all metadata removed. All or nothing. A file already submitted to the assignment answers
         *     the existing submission with `duplicate: true` (201 when something new was created, else 200).
         */
        post: operations["SubmissionsController_upload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/assignments/{id}/submissions/stack": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Uploads a whole class's scanned work as one PDF and splits it into one submission per student,
         *     in order. The answer comes at once; page images are rendered in the background (see intake-progress).
         */
        post: operations["SubmissionsController_uploadStack"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/assignments/{id}/unmatched": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The matching queue: submissions whose student is unknown (unmatched) or unclear (ambiguous, with candidates). */
        get: operations["SubmissionsController_unmatched"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/assignments/{id}/intake-progress": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** How many pages of the assignment's uploads are rendered, of how many. */
        get: operations["SubmissionsController_progress"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/submissions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One submission with its pages; the ETag header is its version. */
        get: operations["SubmissionsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/submissions/{id}/student": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Says whose work this is (a student of the assignment's class), from the matching queue or to correct a match. */
        put: operations["SubmissionsController_assignStudent"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/submissions/{id}/file": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The original: the photo (EXIF orientation applied, metadata removed), the PDF (a class stack's whole PDF; X-Source-Pages says which pages are this student's), or the typed text. */
        get: operations["SubmissionFilesController_file"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/submissions/{id}/thumbnail": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A small WebP preview of the first page (404 while it is rendering, and for typed text). */
        get: operations["SubmissionFilesController_thumbnail"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/submissions/{id}/pages/{n}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A page's image (404 while it is rendering). */
        get: operations["SubmissionFilesController_page"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/submissions/{id}/pages/{n}/thumbnail": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A page's WebP thumbnail. */
        get: operations["SubmissionFilesController_pageThumbnail"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/audit/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Seals pending events and recomputes the activity log's hash chain. `ok: false` names the first
         *     position that does not verify and why (changed, deleted or inserted around the write path).
         */
        get: operations["AuditController_verify"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/activity-logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The activity log, newest first, filtered and paged with an opaque cursor. */
        get: operations["AuditController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/activity-logs/export.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The filtered activity log as a CSV download (UTF-8 with BOM, newest first, streamed). */
        get: operations["AuditController_export"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/dashboard": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The signed-in teacher's counts of classes, students, assignments and submissions. */
        get: operations["DashboardController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/submissions/{id}/grade": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The submission's grade; the ETag header is its version. 404 while it has none. */
        get: operations["GradingController_get"];
        /**
         * Grades the submission by hand, or changes its grade. Rubric mode: criteriaScores, one per
         *     criterion of the assignment's rubric version, each on one of its levels. Answer-key mode:
         *     answers (scored against the key) and/or questionScores. The submission becomes reviewed.
         */
        put: operations["GradingController_record"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/submissions/{id}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Marks the submission as failed (error, with a message; from pending or grading) or retries failed work (pending, from error). */
        post: operations["GradingController_changeStatus"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/grades/{id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Approves the grade as it stands (an AI proposal); the submission becomes reviewed. Approving an approved grade changes nothing. */
        post: operations["GradingController_approve"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/assignments/{id}/grades/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Approves several grades of the assignment at once, all or nothing. */
        post: operations["GradingController_approveMany"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/assignments/{id}/grades": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The assignment's grades, in submission order. */
        get: operations["GradingController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/assignments/{id}/grades/export.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The gradebook as CSV (UTF-8 with BOM): student, student id, total, max, percentage, one column per criterion or question, note. */
        get: operations["GradingController_export"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/assignments/{id}/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Submissions by status, the mean and exact median percentage, a 10-band histogram and each criterion's mean (where the class struggles). */
        get: operations["GradingController_stats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/ai/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Whether AI grading is on (and why not), the model, and how busy the client is. */
        get: operations["AiGradingController_status"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/assignments/{id}/review-queue": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** AI proposals waiting for review: flagged first, then the lowest confidence. */
        get: operations["AiGradingController_reviewQueue"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/assignments/{id}/grade-pending": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sends every pending submission to the AI grader: one request each (interactive), or one Message Batch at half the price (batch). */
        post: operations["AiGradingController_gradePending"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/assignments/{id}/grading-batches": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The assignment's Message Batches runs, newest first. */
        get: operations["AiGradingController_batches"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/grading-batches/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One Message Batches run and its progress (done / total). */
        get: operations["AiGradingController_batch"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/assignments/{id}/ai-agreement": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** How often the teacher kept the AI's scores: exact, within one level, quadratic weighted kappa and mean change, per criterion. */
        get: operations["AiGradingController_agreement"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/submissions/{id}/regrade": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sends the submission back to the AI grader (graded, reviewed, failed or pending work); its grade is replaced by a new, unapproved proposal. */
        post: operations["AiGradingController_regrade"];
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
        HealthDto: {
            /** @enum {string} */
            status: "ok" | "degraded";
        };
        AuthOptionsDto: {
            /** @description Google sign-in is configured. */
            google: boolean;
            /** @description The development sign-in (POST /api/auth/dev-login) is enabled. Never in production. */
            devLogin: boolean;
        };
        DevLoginDto: {
            /**
             * @default teacher
             * @enum {string}
             */
            role: "teacher" | "admin";
            /**
             * Format: email
             * @description Any email address: the development sign-in trusts it.
             */
            email: string;
            name?: string;
        };
        MeDto: {
            /** @enum {string} */
            role: "teacher" | "admin";
            /** @enum {string} */
            via: "session" | "token";
            id: string;
            email: string;
            name: string | null;
            /** @description Send this in X-CSRF-Token on every state-changing request made with the session cookie. */
            csrfToken: string | null;
        };
        CreateApiTokenDto: {
            /** @description Days until the token stops working; without it the token works until revoked. */
            expiresInDays?: number;
            /** @description What the token is for, to recognise it later ("gradebook sync"). */
            name: string;
        };
        CreatedApiTokenDto: {
            id: string;
            name: string;
            /** @description The token itself (`hm_...`). Shown only in this response: store it now. Send it as `Authorization: Bearer <token>`. */
            token: string;
            /** @description The token's first characters, as shown in the token list. */
            tokenPrefix: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            expiresAt: string | null;
        };
        ApiTokenDto: {
            id: string;
            name: string;
            tokenPrefix: string;
            /** Format: date-time */
            createdAt: string;
            /**
             * Format: date-time
             * @description Last request made with the token (updated at most once a minute).
             */
            lastUsedAt: string | null;
            /** Format: date-time */
            expiresAt: string | null;
        };
        ApiTokenPageDto: {
            items: components["schemas"]["ApiTokenDto"][];
            page: number;
            pageSize: number;
            total: number;
        };
        UserDto: {
            /** @enum {string} */
            role: "teacher" | "admin";
            id: string;
            email: string;
            name: string | null;
            schoolId: string | null;
            disabled: boolean;
            /** Format: date-time */
            disabledAt: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            lastLoginAt: string | null;
        };
        UserPageDto: {
            items: components["schemas"]["UserDto"][];
            page: number;
            pageSize: number;
            total: number;
        };
        UpdateUserDto: {
            /** @enum {string} */
            role?: "teacher" | "admin";
            /** @description true signs the user out everywhere and blocks sign-in and their API tokens; false lets them back in. */
            disabled?: boolean;
        };
        CreateClassDto: {
            /** @description For example "3rd Period Math". */
            name: string;
            /** @description For example "3rd" or "6th". */
            gradeLevel?: string | null;
            /** @description Math, ELA, Science, ... */
            subject?: string | null;
            /** @description For example "2025-2026". */
            academicYear?: string | null;
        };
        ClassDto: {
            id: string;
            name: string;
            gradeLevel: string | null;
            subject: string | null;
            academicYear: string | null;
            schoolId: string | null;
            /**
             * Format: date-time
             * @description Set when the class was archived; archived classes are read-only.
             */
            archivedAt: string | null;
            /** @description Send it back in If-Match to update only what you read. */
            version: number;
            studentCount: number;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        ClassPageDto: {
            items: components["schemas"]["ClassDto"][];
            page: number;
            pageSize: number;
            total: number;
        };
        UpdateClassDto: {
            gradeLevel?: string | null;
            subject?: string | null;
            academicYear?: string | null;
            name?: string;
        };
        StudentDto: {
            id: string;
            classId: string;
            name: string;
            email: string | null;
            studentId: string | null;
            /** @description Send it back in If-Match to update only what you read. */
            version: number;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        StudentPageDto: {
            items: components["schemas"]["StudentDto"][];
            page: number;
            pageSize: number;
            total: number;
        };
        CreateStudentDto: {
            /** @description The student's full name. */
            name: string;
            /**
             * Format: email
             * @description Stored lowercase; unique within the class.
             */
            email?: string | null;
            /** @description The school-assigned student id; unique within the class. */
            studentId?: string | null;
        };
        UpdateStudentDto: {
            /** Format: email */
            email?: string | null;
            studentId?: string | null;
            name?: string;
        };
        RosterUploadDto: {
            /** Format: binary */
            file: string;
        };
        RosterImportResultDto: {
            added: number;
            updated: number;
            unchanged: number;
        };
        OneRosterUploadDto: {
            /**
             * Format: binary
             * @description A OneRoster 1.1 or 1.2 CSV bundle (zip with manifest.csv, orgs.csv, users.csv, classes.csv, enrollments.csv, and optionally academicSessions.csv, roles.csv).
             */
            file: string;
        };
        ImportCountsDto: {
            created: number;
            updated: number;
            unchanged: number;
        };
        OneRosterImportResultDto: {
            /** @description The id of the import's activity log stream; null when nothing changed. */
            importId: string | null;
            /** @enum {string} */
            version: "1.1" | "1.2";
            schools: components["schemas"]["ImportCountsDto"];
            teachers: components["schemas"]["ImportCountsDto"];
            classes: components["schemas"]["ImportCountsDto"];
            students: components["schemas"]["ImportCountsDto"];
        };
        CriterionLevelDto: {
            /** @description Points for this level: between 0 and the criterion's max_points, at most 2 decimals, unique within the criterion. */
            points: number;
            /** @description What work at this level looks like. */
            description: string;
        };
        CriterionDto: {
            /**
             * @description Unique within the rubric: 1 to 64 letters, digits, "_" or "-" (grades refer to it).
             * @example crit_1
             */
            id: string;
            /** @example Correct Answer */
            name: string;
            description?: string;
            /**
             * @description Positive, at most 1000, at most 2 decimals; one level must award exactly this.
             * @example 5
             */
            max_points: number;
            levels: components["schemas"]["CriterionLevelDto"][];
        };
        RubricDto: {
            criteria: components["schemas"]["CriterionDto"][];
            /** @description The rubric_versions id of the current version (what a grade scored now would point at). */
            versionId: string;
            id: string;
            name: string;
            description: string | null;
            /** @description Shipped template: readable by everyone, copied rather than edited. */
            isTemplate: boolean;
            /** @description The owning teacher; null for templates. */
            ownerId: string | null;
            subject: string | null;
            gradeLevel: string | null;
            /** @description The current version; PATCH with `If-Match: <version>` to edit only if it is still current. */
            version: number;
            /** @description Sum of the criteria's max_points. */
            maxPoints: number;
            criteriaCount: number;
            copiedFromId: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        RubricVersionSummaryDto: {
            /** @description The rubric_versions id: grades store this. */
            id: string;
            version: number;
            name: string;
            maxPoints: number;
            criteriaCount: number;
            /** Format: date-time */
            createdAt: string;
        };
        RubricVersionListDto: {
            rubricId: string;
            currentVersion: number;
            items: components["schemas"]["RubricVersionSummaryDto"][];
        };
        RubricVersionDto: {
            criteria: components["schemas"]["CriterionDto"][];
            id: string;
            rubricId: string;
            version: number;
            name: string;
            description: string | null;
            subject: string | null;
            gradeLevel: string | null;
            maxPoints: number;
            /** Format: date-time */
            createdAt: string;
        };
        CreateRubricDto: {
            /**
             * @description 1 to 50 criteria in the stored JSON shape (see CriterionDto). Checked by the rubric rules, whose
             *     errors name the criterion and field: `criteria[1] (crit_2).levels[0].points`.
             */
            criteria: components["schemas"]["CriterionDto"][];
            name: string;
            description?: string | null;
            /** @description Free text, for filtering: "Math", "ELA", "Science". */
            subject?: string | null;
            /** @description Free text, for filtering: "3rd", "6th-8th". */
            gradeLevel?: string | null;
        };
        CopyRubricDto: {
            /** @description Name of the copy; defaults to the source's name followed by "(copy)". */
            name?: string;
        };
        UpdateRubricDto: {
            name?: string;
            /** @description The complete new list of criteria (replaces the current one), in the stored JSON shape. */
            criteria?: components["schemas"]["CriterionDto"][];
            description?: string | null;
            subject?: string | null;
            gradeLevel?: string | null;
        };
        AnswerKeyEntryDto: {
            /**
             * @description The expected answer: text, or a number such as 42, -3.5, 1,000 or 1/2.
             * @example 42
             */
            answer: string;
            /**
             * @description Points for this question instead of points_per_question.
             * @example 2
             */
            points?: number;
            /**
             * @description Numeric answers only (type numeric or mixed): the largest accepted difference.
             * @example 0.01
             */
            tolerance?: number;
            /**
             * @description Other answers that also count as correct.
             * @example [
             *       "forty-two"
             *     ]
             */
            accept?: string[];
        };
        AnswerKeyDto: {
            /**
             * @description text compares normalized text; numeric compares numbers (within a tolerance); mixed decides per answer.
             * @enum {string}
             */
            type: "text" | "numeric" | "mixed";
            /** @example 10 */
            total_questions: number;
            /** @example 5 */
            points_per_question: number;
            /**
             * @description Exactly total_questions answers, each the expected text or an AnswerKeyEntryDto.
             * @example [
             *       "42",
             *       "Yes",
             *       {
             *         "answer": "0.5",
             *         "tolerance": 0.01,
             *         "accept": [
             *           "1/2"
             *         ]
             *       }
             *     ]
             */
            answers: (string | components["schemas"]["AnswerKeyEntryDto"])[];
        };
        CreateAssignmentDto: {
            /** @enum {string} */
            gradingMode: "rubric" | "answer_key";
            /** @description Answer-key mode: the answer key (see AnswerKeyDto). */
            answerKeyData?: components["schemas"]["AnswerKeyDto"];
            /**
             * Format: date-time
             * @description ISO 8601 date or date-time, for example 2026-03-01T15:00:00Z.
             */
            dueDate?: string | null;
            /** @description AI grades at or above this confidence (0 to 1) are approved without review; null or absent: always review. */
            autoApproveThreshold?: number | null;
            title: string;
            /** @description What students are asked to do; the grader reads it too. */
            instructions?: string | null;
            /**
             * Format: uuid
             * @description Rubric mode: a template or one of your rubrics; its current version is pinned.
             */
            rubricId?: string | null;
        };
        AssignmentDto: {
            /** @enum {string} */
            gradingMode: "rubric" | "answer_key";
            answerKeyData: components["schemas"]["AnswerKeyDto"] | null;
            /** @enum {string} */
            status: "draft" | "active" | "closed" | "archived";
            id: string;
            classId: string;
            title: string;
            instructions: string | null;
            rubricId: string | null;
            /** @description The rubric_versions id the assignment is graded with (rubric mode). */
            rubricVersionId: string | null;
            /** @description That version's number. */
            rubricVersion: number | null;
            /** Format: date-time */
            dueDate: string | null;
            autoApproveThreshold: number | null;
            /** @description PATCH or change the status with `If-Match: <version>` to act only if it is still current. */
            version: number;
            /** Format: date-time */
            activatedAt: string | null;
            /** Format: date-time */
            closedAt: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        AssignmentPageDto: {
            items: components["schemas"]["AssignmentDto"][];
            page: number;
            pageSize: number;
            total: number;
        };
        UpdateAssignmentDto: {
            /** Format: date-time */
            dueDate?: string | null;
            /** @description Answer-key mode, draft only: the complete new answer key. */
            answerKeyData?: components["schemas"]["AnswerKeyDto"];
            autoApproveThreshold?: number | null;
            title?: string;
            instructions?: string | null;
            /**
             * Format: uuid
             * @description Rubric mode, draft only: grade with this rubric's current version (sending the same id moves to its newest version).
             */
            rubricId?: string;
        };
        ChangeAssignmentStatusDto: {
            /**
             * @description draft → active, active → closed, closed → active (reopen), closed → archived, draft → archived.
             * @enum {string}
             */
            status: "draft" | "active" | "closed" | "archived";
        };
        UploadSubmissionsFormDto: {
            /** @description Parallel to `files`: the student of each file, as a HandMark student id, the school's student id or a name ("" when unknown). */
            studentIds?: string[];
            /** @description Parallel to `files`: the name of each file's student ("" when unknown). */
            studentNames?: string[];
            /** @description A typed essay, instead of files. */
            text?: string;
            /** @description The typed essay's student: a HandMark student id or the school's student id. */
            studentId?: string;
            /** @description The typed essay's student, by name. */
            studentName?: string;
            files: string[];
        };
        MatchCandidateDto: {
            studentId: string;
            name: string;
        };
        SubmissionMatchDto: {
            /** @enum {string} */
            status: "matched" | "unmatched" | "ambiguous";
            /**
             * @description How the student was found; null unless matched.
             * @enum {string|null}
             */
            method: "typed" | "file_name" | "teacher" | "ai" | null;
            /** @description Students that fit equally well (ambiguous only). */
            candidates: components["schemas"]["MatchCandidateDto"][];
        };
        SubmissionLinksDto: {
            /** @description The original: the photo (metadata removed), the PDF, or the typed text. */
            file: string;
            /** @description A small WebP preview; null until the first page exists (never for typed text). */
            thumbnail: string | null;
        };
        UploadedSubmissionDto: {
            /** @enum {string} */
            status: "pending" | "grading" | "graded" | "reviewed" | "error";
            /** @enum {string} */
            sourceKind: "image" | "pdf" | "text" | "stack";
            /** @description The same content was already submitted to this assignment: this is the existing submission, nothing new was created. */
            duplicate: boolean;
            id: string;
            assignmentId: string;
            uploadId: string;
            /** @description The matched roster student; null while unmatched or ambiguous. */
            studentId: string | null;
            /** @description The matched student's roster name, else what the teacher typed or the file name suggested. */
            studentName: string | null;
            mimeType: string;
            fileName: string | null;
            fileSizeBytes: number | null;
            pageCount: number;
            /** @description Pages whose image exists (PDF pages are rendered after the upload). */
            pagesRendered: number;
            match: components["schemas"]["SubmissionMatchDto"];
            errorMessage: string | null;
            /** Format: date-time */
            submittedAt: string;
            /** @description The stream version; send it as If-Match when assigning a student. */
            version: number;
            links: components["schemas"]["SubmissionLinksDto"];
        };
        UploadResultDto: {
            /** @description One per file (or per student of a stack), in upload order. */
            submissions: components["schemas"]["UploadedSubmissionDto"][];
            uploadId: string;
            assignmentId: string;
            /** @description Submissions created by this upload. */
            created: number;
            /** @description Files that were already submitted (answered with the existing submission). */
            duplicates: number;
        };
        UploadStackFormDto: {
            /** @description Pages per student (1 to 50); the PDF's page count must be a multiple. */
            pagesPerStudent?: number;
            /** @description For stacks where students have different page counts: the first page of every student, ascending, from 1 (e.g. `1,4,6`). */
            boundaries?: number[];
            /**
             * @description Every student's first page is a cover sheet (kept as their page 1, marked isCover).
             * @default false
             */
            coverPages: boolean;
            /** @description The students in stack order (HandMark id, school id or name); the rest of the stack stays unmatched. */
            studentOrder?: string[];
            /** Format: binary */
            file: string;
        };
        SubmissionDto: {
            /** @enum {string} */
            status: "pending" | "grading" | "graded" | "reviewed" | "error";
            /** @enum {string} */
            sourceKind: "image" | "pdf" | "text" | "stack";
            id: string;
            assignmentId: string;
            uploadId: string;
            /** @description The matched roster student; null while unmatched or ambiguous. */
            studentId: string | null;
            /** @description The matched student's roster name, else what the teacher typed or the file name suggested. */
            studentName: string | null;
            mimeType: string;
            fileName: string | null;
            fileSizeBytes: number | null;
            pageCount: number;
            /** @description Pages whose image exists (PDF pages are rendered after the upload). */
            pagesRendered: number;
            match: components["schemas"]["SubmissionMatchDto"];
            errorMessage: string | null;
            /** Format: date-time */
            submittedAt: string;
            /** @description The stream version; send it as If-Match when assigning a student. */
            version: number;
            links: components["schemas"]["SubmissionLinksDto"];
        };
        SubmissionPageListDto: {
            items: components["schemas"]["SubmissionDto"][];
            page: number;
            pageSize: number;
            total: number;
        };
        IntakeProgressDto: {
            assignmentId: string;
            submissions: number;
            /** @description Submissions whose every page is rendered (typed text counts as ready). */
            submissionsReady: number;
            submissionsFailed: number;
            pagesTotal: number;
            pagesRendered: number;
            /** @description Every page of every submission is rendered (or failed). */
            complete: boolean;
        };
        SubmissionPageLinksDto: {
            /** @description null until rendered. */
            image: string | null;
            thumbnail: string | null;
        };
        SubmissionPageDto: {
            pageNumber: number;
            rendered: boolean;
            width: number | null;
            height: number | null;
            /** @description A class stack's cover sheet. */
            isCover: boolean;
            /** @description The page of the uploaded PDF this page comes from. */
            sourcePdfPage: number | null;
            links: components["schemas"]["SubmissionPageLinksDto"];
        };
        SubmissionDetailDto: {
            /** @enum {string} */
            status: "pending" | "grading" | "graded" | "reviewed" | "error";
            /** @enum {string} */
            sourceKind: "image" | "pdf" | "text" | "stack";
            pages: components["schemas"]["SubmissionPageDto"][];
            /** @description The typed essay (typed submissions only). */
            text: string | null;
            id: string;
            assignmentId: string;
            uploadId: string;
            /** @description The matched roster student; null while unmatched or ambiguous. */
            studentId: string | null;
            /** @description The matched student's roster name, else what the teacher typed or the file name suggested. */
            studentName: string | null;
            mimeType: string;
            fileName: string | null;
            fileSizeBytes: number | null;
            pageCount: number;
            /** @description Pages whose image exists (PDF pages are rendered after the upload). */
            pagesRendered: number;
            match: components["schemas"]["SubmissionMatchDto"];
            errorMessage: string | null;
            /** Format: date-time */
            submittedAt: string;
            /** @description The stream version; send it as If-Match when assigning a student. */
            version: number;
            links: components["schemas"]["SubmissionLinksDto"];
        };
        AssignStudentDto: {
            /**
             * Format: uuid
             * @description A student of the assignment's class.
             */
            studentId: string;
        };
        AuditVerificationDto: {
            /** @enum {string|null} */
            problem: "event_changed" | "event_missing" | "chain_altered" | "event_unchained" | null;
            /** @description True when every sealed event matches the chain and no event escaped it. */
            ok: boolean;
            /** @description Sealed events whose hash was recomputed and matched. */
            checkedEvents: number;
            /** @description Position of the last sealed event (the chain runs in transaction order, then position); null before anything is sealed. */
            sealedThroughPosition: string | null;
            /** @description The first position, in chain order, that does not verify. */
            firstBadPosition: string | null;
            /** @description What is wrong, in words; null when the log is intact. */
            reason: string | null;
            /** @description Events not sealed yet: committed while verification ran, or behind a transaction still running. */
            unsealedEvents: number;
        };
        ActivityLogItemDto: {
            metadata: {
                [key: string]: unknown;
            };
            /** @description Global position in the log (a bigint, as a string). */
            position: string;
            id: string;
            /** @description UTC, with microseconds. */
            createdAt: string;
            /** @description Who did it; null for the system. */
            userId: string | null;
            /** @description Dotted action name, for example `grade.approve`. */
            action: string;
            resourceType: string | null;
            resourceId: string | null;
            ipAddress: string | null;
            userAgent: string | null;
            /** @description The request that recorded it (X-Request-Id). */
            requestId: string | null;
            /** @description Stable event type, for example `GradeApproved`. */
            eventType: string;
            streamType: string;
            streamId: string;
            streamVersion: number;
            /** @description Covered by the integrity chain yet (sealing follows the writers within about a second). */
            sealed: boolean;
        };
        ActivityLogPageDto: {
            items: components["schemas"]["ActivityLogItemDto"][];
            /** @description Pass as `cursor` to get the next (older) page; null on the last page. */
            nextCursor: string | null;
        };
        DashboardClassDto: {
            classId: string;
            /** @description Students currently on the roster. */
            students: number;
            /** @description Assignments of the class, whatever their status. */
            assignments: number;
            /** @description Submissions to the class's assignments. */
            submissions: number;
            /** @description Of those, the ones still waiting to be graded. */
            pending: number;
            archived: boolean;
        };
        DashboardDto: {
            totalClasses: number;
            totalStudents: number;
            totalAssignments: number;
            totalSubmissions: number;
            /** @description Submissions still waiting to be graded. */
            pendingSubmissions: number;
            /** @description Every class the teacher owns, ordered by id. */
            classes: components["schemas"]["DashboardClassDto"][];
        };
        CriterionScoreDto: {
            /**
             * @description A criterion id of the assignment's rubric version.
             * @example crit_1
             */
            criterionId: string;
            /**
             * @description The points of one of the criterion's levels.
             * @example 3
             */
            score: number;
            /** @description Why: shown to the teacher, kept with the grade. */
            reasoning?: string | null;
        };
        QuestionScoreDto: {
            /** @description 1-based question number. */
            question: number;
            /** @description From 0 to the points the question is worth (partial credit allowed). */
            score: number;
        };
        RecordGradeDto: {
            criteriaScores?: components["schemas"]["CriterionScoreDto"][];
            /**
             * @description Answer-key mode: the answers in question order ("" for an unanswered question).
             * @example [
             *       "42",
             *       "yes",
             *       "photosynthesis"
             *     ]
             */
            answers?: string[];
            questionScores?: components["schemas"]["QuestionScoreDto"][];
            /** @description Feedback for the student. */
            feedbackText?: string | null;
            /** @description The teacher's private notes. */
            teacherNotes?: string | null;
        };
        CriterionScoreResultDto: {
            criterionId: string;
            criterionName: string;
            score: number;
            maxScore: number;
            reasoning: string | null;
            /** @description AI grades: the words of the transcription the AI based this score on. */
            evidence: string | null;
        };
        AnswerResultDto: {
            question: number;
            /** @description The student's answer; null when there was none. */
            given: string | null;
            expected: string;
            correct: boolean;
            points: number;
            maxPoints: number;
            /** @description The teacher set the points instead of the key. */
            overridden: boolean;
        };
        GradeDto: {
            /**
             * @description teacher: graded by hand; ai: proposed by the AI grader.
             * @enum {string}
             */
            source: "teacher" | "ai";
            id: string;
            submissionId: string;
            totalScore: number;
            maxScore: number;
            /** @description total / max × 100, 2 decimals. */
            percentage: number;
            /** @description Rubric mode; null in answer-key mode. */
            criteriaScores: components["schemas"]["CriterionScoreResultDto"][] | null;
            /** @description Answer-key mode; null in rubric mode. */
            answers: components["schemas"]["AnswerResultDto"][] | null;
            feedbackText: string | null;
            teacherNotes: string | null;
            /** @description AI grades: what the AI read on the student's pages (or the typed text), which the evidence quotes come from. */
            transcription: string | null;
            /** @description AI grades: the Claude model that proposed it. */
            aiModel: string | null;
            aiConfidence: number | null;
            flags: string[];
            teacherApproved: boolean;
            teacherModified: boolean;
            rubricVersionId: string | null;
            /** @description Send it as If-Match to change the grade only if nobody changed it since. */
            version: number;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        ChangeSubmissionStatusDto: {
            /**
             * @description error (from pending or grading) or pending (retry, from error).
             * @enum {string}
             */
            status: "error" | "pending";
            /** @description Required with status error: what went wrong, shown to the teacher. */
            message?: string;
        };
        SubmissionStatusDto: {
            id: string;
            assignmentId: string;
            status: string;
            errorMessage: string | null;
            /** @description The submission's version. */
            version: number;
        };
        ApproveGradesDto: {
            /** @description Grades of this assignment to approve; already approved ones are left as they are. */
            gradeIds: string[];
        };
        ApproveGradesResultDto: {
            /** @description Grades approved by this request. */
            approved: string[];
            /** @description Grades that were approved already (left unchanged). */
            alreadyApproved: string[];
        };
        GradePageDto: {
            items: components["schemas"]["GradeDto"][];
            page: number;
            pageSize: number;
            total: number;
        };
        HistogramBucketDto: {
            /** @description Percentage band [from, to); the last band includes 100. */
            from: number;
            to: number;
            count: number;
        };
        CriterionStatsDto: {
            /** @description A criterion id, or Q1 … Qn in answer-key mode. */
            criterionId: string;
            /** @description From the assignment's rubric version (null for questions, or a criterion it no longer has). */
            criterionName: string | null;
            count: number;
            meanScore: number;
            maxScore: number;
            /** @description Mean of score / max (0 to 1): low values show where the class struggles. */
            meanFraction: number;
        };
        StatusCountsDto: {
            pending: number;
            grading: number;
            graded: number;
            reviewed: number;
            error: number;
        };
        CriterionAgreementDto: {
            criterionId: string;
            criterionName: string | null;
            /** @description Approved AI grades that scored it. */
            count: number;
            /** @description Share (0 to 1) whose AI score the teacher kept. */
            exactAgreement: number | null;
            /** @description Share whose final score is at most one level from the AI's. */
            withinOneLevel: number | null;
            /** @description Cohen's kappa with quadratic weights over the criterion's levels; null when undefined. */
            quadraticWeightedKappa: number | null;
            /** @description Mean of final − AI score in points (negative: the teacher lowers the AI's scores). */
            meanChange: number | null;
        };
        AgreementDto: {
            criteria: components["schemas"]["CriterionAgreementDto"][];
            gradeCount: number;
            exactAgreement: number | null;
            withinOneLevel: number | null;
            /** @description The criteria's kappas weighted by their counts. */
            quadraticWeightedKappa: number | null;
            meanChange: number | null;
        };
        AssignmentStatsDto: {
            histogram: components["schemas"]["HistogramBucketDto"][];
            criteria: components["schemas"]["CriterionStatsDto"][];
            assignmentId: string;
            totalSubmissions: number;
            /** @description Submissions in status graded (AI proposals awaiting review), as the seed's assignment_stats view counts them. */
            gradedCount: number;
            pendingCount: number;
            byStatus: components["schemas"]["StatusCountsDto"];
            /** @description Grades recorded (approved or not); the mean, median, histogram and criteria are over these. */
            gradeCount: number;
            meanPercentage: number | null;
            /** @description Exact: the middle grade, or the mean of the two middle ones. */
            medianPercentage: number | null;
            /** @description How often the teacher kept the AI's scores (from approved AI grades), per criterion and overall. */
            agreement?: components["schemas"]["AgreementDto"];
        };
        AiConcurrencyDto: {
            /** @description Requests to Claude allowed at once now (halved on 429/529, grown back on success). */
            limit: number;
            max: number;
            inFlight: number;
            /** @description Calls waiting for a slot. */
            waiting: number;
            /** @description A retry-after pause in progress (0 when none). */
            pausedForMs: number;
        };
        AiStatusDto: {
            enabled: boolean;
            /** @description Why AI grading is off; null when it is on. */
            reason: string | null;
            model: string;
            concurrency: components["schemas"]["AiConcurrencyDto"];
        };
        ReviewStudentDto: {
            /** @description The roster student; null while the work is unmatched. */
            id: string | null;
            /** @description The roster name, or what the teacher typed for unmatched work. */
            name: string | null;
        };
        ReviewQueueItemDto: {
            submissionId: string;
            gradeId: string;
            /** @description Send as If-Match when approving. */
            gradeVersion: number;
            student: components["schemas"]["ReviewStudentDto"];
            status: string;
            /** @description 0 to 1: how likely the AI thinks the teacher keeps its grade. */
            confidence: number | null;
            /** @description illegible, blank, off_topic, addressed_to_grader. Flagged grades are never approved in bulk. */
            flags: string[];
            totalScore: number;
            maxScore: number;
            percentage: number;
            thumbnailUrl: string | null;
        };
        ReviewQueuePageDto: {
            items: components["schemas"]["ReviewQueueItemDto"][];
            page: number;
            pageSize: number;
            total: number;
            /** @description Of `total`, how many are flagged. */
            flagged: number;
        };
        GradePendingDto: {
            /**
             * @default interactive
             * @enum {string}
             */
            mode: "interactive" | "batch";
        };
        GradePendingResultDto: {
            /** @enum {string} */
            mode: "interactive" | "batch";
            /** @description Submissions sent to the AI grader. */
            enqueued: number;
            /** @description Batch mode: the run to follow at GET /api/grading-batches/:id. */
            batchId: string | null;
        };
        BatchApiCountsDto: {
            processing: number;
            succeeded: number;
            errored: number;
            expired: number;
            canceled: number;
        };
        GradingBatchDto: {
            /**
             * @description submitting → in_progress (Claude is working) → importing → completed; failed when Claude refused the batch (its work went to interactive grading).
             * @enum {string}
             */
            status: "submitting" | "in_progress" | "importing" | "completed" | "failed";
            id: string;
            assignmentId: string;
            /** @description The Message Batches API's id, once Claude accepted the batch. */
            anthropicBatchId: string | null;
            model: string;
            total: number;
            /** @description Results handled so far (graded, repaired, sent to interactive grading, failed or skipped). */
            done: number;
            graded: number;
            /** @description Graded after one repair attempt. */
            repaired: number;
            /** @description Expired, canceled or failed with a retryable error: sent to interactive grading. */
            retried: number;
            failed: number;
            /** @description Work that left the batch meanwhile (graded elsewhere, archived). */
            skipped: number;
            /** @description The API's counts at the last poll. */
            api: components["schemas"]["BatchApiCountsDto"];
            errorMessage: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            submittedAt: string | null;
            /** Format: date-time */
            endedAt: string | null;
            /** Format: date-time */
            completedAt: string | null;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    HealthController_health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthDto"];
                };
            };
        };
    };
    AuthController_options: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthOptionsDto"];
                };
            };
        };
    };
    AuthController_devLogin: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DevLoginDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MeDto"];
                };
            };
        };
    };
    AuthController_google: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Redirect to Google's consent page */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Google sign-in is not configured */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AuthController_googleCallback: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Redirect to / (signed in) or to /sign-in?error=<reason> */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AuthController_me: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MeDto"];
                };
            };
        };
    };
    AuthController_logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ApiTokensController_list: {
        parameters: {
            query?: {
                page?: number;
                pageSize?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiTokenPageDto"];
                };
            };
        };
    };
    ApiTokensController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateApiTokenDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedApiTokenDto"];
                };
            };
        };
    };
    ApiTokensController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    UsersController_list: {
        parameters: {
            query?: {
                page?: number;
                pageSize?: number;
                role?: "teacher" | "admin";
                /** @description Part of the email address or name, case-insensitive. */
                q?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserPageDto"];
                };
            };
        };
    };
    UsersController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateUserDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserDto"];
                };
            };
        };
    };
    ClassesController_list: {
        parameters: {
            query?: {
                page?: number;
                pageSize?: number;
                /** @description Include archived classes (hidden by default). */
                includeArchived?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ClassPageDto"];
                };
            };
        };
    };
    ClassesController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateClassDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ClassDto"];
                };
            };
        };
    };
    ClassesController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ClassDto"];
                };
            };
        };
    };
    ClassesController_archive: {
        parameters: {
            query?: never;
            header?: {
                /** @description The version you last read; a different current version answers 409 */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ClassesController_update: {
        parameters: {
            query?: never;
            header?: {
                /** @description The version you last read; a different current version answers 409 */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateClassDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ClassDto"];
                };
            };
        };
    };
    StudentsController_list: {
        parameters: {
            query?: {
                page?: number;
                pageSize?: number;
                /** @description Part of a student's name (case-insensitive). */
                q?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StudentPageDto"];
                };
            };
        };
    };
    StudentsController_add: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateStudentDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StudentDto"];
                };
            };
        };
    };
    StudentsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StudentDto"];
                };
            };
        };
    };
    StudentsController_remove: {
        parameters: {
            query?: never;
            header?: {
                /** @description The version you last read; a different current version answers 409 */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    StudentsController_update: {
        parameters: {
            query?: never;
            header?: {
                /** @description The version you last read; a different current version answers 409 */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateStudentDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StudentDto"];
                };
            };
        };
    };
    RostersController_importCsv: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["RosterUploadDto"];
                "text/csv": components["schemas"]["RosterUploadDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RosterImportResultDto"];
                };
            };
        };
    };
    RostersController_exportCsv: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": string;
                };
            };
        };
    };
    RostersController_importOneRoster: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["OneRosterUploadDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OneRosterImportResultDto"];
                };
            };
        };
    };
    RubricsController_list: {
        parameters: {
            query?: {
                page?: number;
                pageSize?: number;
                /** @description templates: only shipped templates; mine: only your own; all (default): both. */
                scope?: "templates" | "mine" | "all";
                /** @description Exact subject, case-insensitive. */
                subject?: string;
                /** @description Exact grade level, case-insensitive. */
                gradeLevel?: string;
                /** @description Words in the name (full-text, English stemming) or a part of it. */
                q?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    RubricsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateRubricDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RubricDto"];
                };
            };
        };
    };
    RubricsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RubricDto"];
                };
            };
        };
    };
    RubricsController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    RubricsController_update: {
        parameters: {
            query?: never;
            header?: {
                /** @description The version you last read, e.g. "3" */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateRubricDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RubricDto"];
                };
            };
        };
    };
    RubricsController_versions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RubricVersionListDto"];
                };
            };
        };
    };
    RubricsController_version: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RubricVersionDto"];
                };
            };
        };
    };
    RubricsController_copy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CopyRubricDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RubricDto"];
                };
            };
        };
    };
    AssignmentsController_list: {
        parameters: {
            query?: {
                page?: number;
                pageSize?: number;
                /** @description Only assignments in this status. */
                status?: "draft" | "active" | "closed" | "archived";
            };
            header?: never;
            path: {
                classId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AssignmentPageDto"];
                };
            };
        };
    };
    AssignmentsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                classId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateAssignmentDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AssignmentDto"];
                };
            };
        };
    };
    AssignmentsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AssignmentDto"];
                };
            };
        };
    };
    AssignmentsController_update: {
        parameters: {
            query?: never;
            header?: {
                /** @description The version you last read, e.g. "3"; a different current version answers 409 */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateAssignmentDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AssignmentDto"];
                };
            };
        };
    };
    AssignmentsController_changeStatus: {
        parameters: {
            query?: never;
            header?: {
                /** @description The version you last read, e.g. "3"; a different current version answers 409 */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangeAssignmentStatusDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AssignmentDto"];
                };
            };
        };
    };
    SubmissionsController_list: {
        parameters: {
            query?: {
                page?: number;
                pageSize?: number;
                /** @description Only submissions in this grading status. */
                status?: "pending" | "grading" | "graded" | "reviewed" | "error";
                /** @description Only matched, unmatched or ambiguous submissions. */
                match?: "matched" | "unmatched" | "ambiguous";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubmissionPageListDto"];
                };
            };
        };
    };
    SubmissionsController_upload: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retried upload safe: the same key with the same files and fields answers the first response again; with different ones, 422 */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["UploadSubmissionsFormDto"];
                "application/json": components["schemas"]["UploadSubmissionsFormDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UploadResultDto"];
                };
            };
        };
    };
    SubmissionsController_uploadStack: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retried upload safe: the same key with the same files and fields answers the first response again; with different ones, 422 */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["UploadStackFormDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UploadResultDto"];
                };
            };
        };
    };
    SubmissionsController_unmatched: {
        parameters: {
            query?: {
                page?: number;
                pageSize?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubmissionPageListDto"];
                };
            };
        };
    };
    SubmissionsController_progress: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IntakeProgressDto"];
                };
            };
        };
    };
    SubmissionsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubmissionDetailDto"];
                };
            };
        };
    };
    SubmissionsController_assignStudent: {
        parameters: {
            query?: never;
            header?: {
                /** @description The version you last read; a different current version answers 409 */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AssignStudentDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubmissionDto"];
                };
            };
        };
    };
    SubmissionFilesController_file: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    SubmissionFilesController_thumbnail: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    SubmissionFilesController_page: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                /** @description 1-based page number. */
                n: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    SubmissionFilesController_pageThumbnail: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                /** @description 1-based page number. */
                n: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AuditController_verify: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditVerificationDto"];
                };
            };
        };
    };
    AuditController_list: {
        parameters: {
            query?: {
                /** @description Events at or after this time. */
                from?: string;
                /** @description Events before this time (exclusive). */
                to?: string;
                /** @description Items per page, newest first. */
                limit?: number;
                /** @description `nextCursor` of the previous page; absent for the first page. */
                cursor?: string;
                /** @description Only events done by this user. */
                userId?: string;
                /** @description Only this action, for example `user.login` or `grade.approve`. */
                action?: string;
                /** @description Only events about this kind of resource, for example `class` or `grade`. */
                resourceType?: string;
                /** @description Only events about this resource. */
                resourceId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ActivityLogPageDto"];
                };
            };
        };
    };
    AuditController_export: {
        parameters: {
            query?: {
                /** @description Events at or after this time. */
                from?: string;
                /** @description Events before this time (exclusive). */
                to?: string;
                /** @description Only events done by this user. */
                userId?: string;
                /** @description Only this action, for example `user.login` or `grade.approve`. */
                action?: string;
                /** @description Only events about this kind of resource, for example `class` or `grade`. */
                resourceType?: string;
                /** @description Only events about this resource. */
                resourceId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    DashboardController_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DashboardDto"];
                };
            };
        };
    };
    GradingController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GradeDto"];
                };
            };
        };
    };
    GradingController_record: {
        parameters: {
            query?: never;
            header?: {
                /** @description The version you last read, e.g. "3"; a different current version answers 409 */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RecordGradeDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GradeDto"];
                };
            };
        };
    };
    GradingController_changeStatus: {
        parameters: {
            query?: never;
            header?: {
                /** @description The version you last read, e.g. "3"; a different current version answers 409 */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangeSubmissionStatusDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubmissionStatusDto"];
                };
            };
        };
    };
    GradingController_approve: {
        parameters: {
            query?: never;
            header?: {
                /** @description The version you last read, e.g. "3"; a different current version answers 409 */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GradeDto"];
                };
            };
        };
    };
    GradingController_approveMany: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ApproveGradesDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApproveGradesResultDto"];
                };
            };
        };
    };
    GradingController_list: {
        parameters: {
            query?: {
                page?: number;
                pageSize?: number;
                /** @description Only approved (true) or only unapproved (false) grades. */
                teacherApproved?: true | false;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GradePageDto"];
                };
            };
        };
    };
    GradingController_export: {
        parameters: {
            query?: {
                /** @description Also export AI proposals not approved yet (marked in the note column). */
                includeUnapproved?: true | false;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": string;
                };
            };
        };
    };
    GradingController_stats: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AssignmentStatsDto"];
                };
            };
        };
    };
    AiGradingController_status: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AiStatusDto"];
                };
            };
        };
    };
    AiGradingController_reviewQueue: {
        parameters: {
            query?: {
                page?: number;
                pageSize?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReviewQueuePageDto"];
                };
            };
        };
    };
    AiGradingController_gradePending: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GradePendingDto"];
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GradePendingResultDto"];
                };
            };
        };
    };
    AiGradingController_batches: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GradingBatchDto"][];
                };
            };
        };
    };
    AiGradingController_batch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GradingBatchDto"];
                };
            };
        };
    };
    AiGradingController_agreement: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgreementDto"];
                };
            };
        };
    };
    AiGradingController_regrade: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubmissionStatusDto"];
                };
            };
        };
    };
}
