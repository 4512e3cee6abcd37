-- The tables of prisma/schema.prisma, as Prisma Migrate would create them for SQLite (its column types: TEXT, INTEGER,
-- BIGINT, REAL, DECIMAL, BOOLEAN, DATETIME, JSONB, BLOB; enums as TEXT). Run on a fresh database file.
CREATE TABLE "AllTypes" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "str" TEXT NOT NULL,
    "strNull" TEXT,
    "int" INTEGER NOT NULL,
    "bigInt" BIGINT NOT NULL,
    "float" REAL NOT NULL,
    "decimal" DECIMAL NOT NULL,
    "bool" BOOLEAN NOT NULL,
    "dateTime" DATETIME NOT NULL,
    "json" JSONB NOT NULL,
    "bytes" BLOB NOT NULL,
    "role" TEXT NOT NULL,
    "intNull" INTEGER,
    "bigIntNull" BIGINT,
    "floatNull" REAL,
    "decimalNull" DECIMAL,
    "boolNull" BOOLEAN,
    "dateTimeNull" DATETIME,
    "jsonNull" JSONB,
    "bytesNull" BLOB
);

CREATE TABLE "User" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'USER'
);
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

CREATE TABLE "Profile" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "bio" TEXT NOT NULL,
    "userId" INTEGER NOT NULL,
    CONSTRAINT "Profile_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "Profile_userId_key" ON "Profile"("userId");

CREATE TABLE "Post" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "title" TEXT NOT NULL,
    "views" INTEGER NOT NULL DEFAULT 0,
    "published" BOOLEAN NOT NULL DEFAULT false,
    "authorId" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE "Tag" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL
);
CREATE UNIQUE INDEX "Tag_name_key" ON "Tag"("name");

CREATE TABLE "_PostToTag" (
    "A" INTEGER NOT NULL,
    "B" INTEGER NOT NULL,
    CONSTRAINT "_PostToTag_A_fkey" FOREIGN KEY ("A") REFERENCES "Post" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "_PostToTag_B_fkey" FOREIGN KEY ("B") REFERENCES "Tag" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "_PostToTag_AB_unique" ON "_PostToTag"("A", "B");
CREATE INDEX "_PostToTag_B_index" ON "_PostToTag"("B");

CREATE TABLE "Counter" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "value" INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX "Counter_name_key" ON "Counter"("name");
