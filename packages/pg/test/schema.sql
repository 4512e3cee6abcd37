-- The tables of test/prisma/schema.prisma, as Prisma Migrate would create them.
-- Run with search_path set to the test's own schema.
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN', 'GUEST');

CREATE TABLE "AllTypes" (
  "id" SERIAL PRIMARY KEY,
  "str" TEXT NOT NULL,
  "strNull" TEXT,
  "int" INTEGER NOT NULL,
  "bigInt" BIGINT NOT NULL,
  "float" DOUBLE PRECISION NOT NULL,
  "decimal" DECIMAL(40,20) NOT NULL,
  "bool" BOOLEAN NOT NULL,
  "dateTime" TIMESTAMP(3) NOT NULL,
  "json" JSONB NOT NULL,
  "bytes" BYTEA NOT NULL,
  "role" "Role" NOT NULL,
  "smallInt" SMALLINT NOT NULL,
  "real" REAL NOT NULL,
  "char" CHAR(5) NOT NULL,
  "varchar" VARCHAR(20) NOT NULL,
  "uuid" UUID NOT NULL,
  "date" DATE NOT NULL,
  "time" TIME(6) NOT NULL,
  "timetz" TIMETZ(6) NOT NULL,
  "timestamp" TIMESTAMP(6) NOT NULL,
  "timestamptz" TIMESTAMPTZ(6) NOT NULL,
  "jsonPlain" JSON NOT NULL,
  "xml" XML NOT NULL,
  "inet" INET NOT NULL,
  "bit" BIT(4) NOT NULL,
  "varbit" VARBIT(8) NOT NULL,
  "money" MONEY NOT NULL,
  "oid" OID NOT NULL,
  "ints" INTEGER[],
  "bigInts" BIGINT[],
  "strings" TEXT[],
  "floats" DOUBLE PRECISION[],
  "decimals" DECIMAL(65,30)[],
  "bools" BOOLEAN[],
  "dateTimes" TIMESTAMP(3)[],
  "jsons" JSONB[],
  "bytesList" BYTEA[],
  "roles" "Role"[],
  "uuids" UUID[],
  "dates" DATE[]
);

CREATE TABLE "User" (
  "id" SERIAL PRIMARY KEY,
  "email" VARCHAR(40) NOT NULL,
  "name" TEXT NOT NULL,
  "role" "Role" NOT NULL DEFAULT 'USER'
);
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

CREATE TABLE "Profile" (
  "id" SERIAL PRIMARY KEY,
  "bio" TEXT NOT NULL,
  "userId" INTEGER NOT NULL,
  CONSTRAINT "Profile_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "Profile_userId_key" ON "Profile"("userId");

CREATE TABLE "Post" (
  "id" SERIAL PRIMARY KEY,
  "title" TEXT NOT NULL,
  "views" INTEGER NOT NULL DEFAULT 0,
  "published" BOOLEAN NOT NULL DEFAULT false,
  "authorId" INTEGER NOT NULL,
  "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE "Tag" (
  "id" SERIAL PRIMARY KEY,
  "name" TEXT NOT NULL
);
CREATE UNIQUE INDEX "Tag_name_key" ON "Tag"("name");

CREATE TABLE "_PostToTag" (
  "A" INTEGER NOT NULL REFERENCES "Post"("id") ON DELETE CASCADE ON UPDATE CASCADE,
  "B" INTEGER NOT NULL REFERENCES "Tag"("id") ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT "_PostToTag_AB_pkey" PRIMARY KEY ("A", "B")
);
CREATE INDEX "_PostToTag_B_index" ON "_PostToTag"("B");

CREATE TABLE "Counter" (
  "id" UUID PRIMARY KEY,
  "name" TEXT NOT NULL,
  "value" INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX "Counter_name_key" ON "Counter"("name");
