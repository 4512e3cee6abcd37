-- The tables of test/prisma/schema.prisma on PostgreSQL, as Prisma Migrate would create them: the pg adapter runs the
-- same scenarios on them, for results to compare with the Oracle dialect's. Run with search_path set to the test's schema.
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN', 'GUEST');

CREATE TABLE "AllTypes" (
  "id" SERIAL PRIMARY KEY,
  "str" TEXT NOT NULL,
  "strNull" TEXT,
  "int" INTEGER NOT NULL,
  "intNull" INTEGER,
  "bigInt" BIGINT NOT NULL,
  "float" DOUBLE PRECISION NOT NULL,
  "decimal" DECIMAL(30,10) NOT NULL,
  "bool" BOOLEAN NOT NULL,
  "dateTime" TIMESTAMP(3) NOT NULL,
  "json" JSONB NOT NULL,
  "jsonNull" JSONB,
  "bytes" BYTEA NOT NULL,
  "role" "Role" NOT NULL,
  "varchar" VARCHAR(20) NOT NULL,
  "date" DATE NOT NULL,
  "timestamptz" TIMESTAMPTZ(6) NOT NULL
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
  "userId" INTEGER NOT NULL REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "Profile_userId_key" ON "Profile"("userId");

CREATE TABLE "Post" (
  "id" SERIAL PRIMARY KEY,
  "title" TEXT NOT NULL,
  "views" INTEGER NOT NULL DEFAULT 0,
  "published" BOOLEAN NOT NULL DEFAULT false,
  "authorId" INTEGER NOT NULL REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE,
  "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE "Tag" (
  "id" SERIAL PRIMARY KEY,
  "name" TEXT NOT NULL
);
CREATE UNIQUE INDEX "Tag_name_key" ON "Tag"("name");

CREATE TABLE "Counter" (
  "id" UUID PRIMARY KEY,
  "name" TEXT NOT NULL,
  "value" INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX "Counter_name_key" ON "Counter"("name");

CREATE TABLE "Membership" (
  "userId" INTEGER NOT NULL,
  "groupId" INTEGER NOT NULL,
  "note" TEXT,
  CONSTRAINT "Membership_pkey" PRIMARY KEY ("userId", "groupId")
);

CREATE TABLE "_PostToTag" (
  "A" INTEGER NOT NULL REFERENCES "Post"("id") ON DELETE CASCADE ON UPDATE CASCADE,
  "B" INTEGER NOT NULL REFERENCES "Tag"("id") ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT "_PostToTag_AB_pkey" PRIMARY KEY ("A", "B")
);
CREATE INDEX "_PostToTag_B_index" ON "_PostToTag"("B");
