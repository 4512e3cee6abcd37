-- The tables of schema.prisma, as `prisma migrate dev` would create them.
-- The quickstart runs this script itself, with search_path set to its own schema.
CREATE TYPE "Role" AS ENUM ('MEMBER', 'ADMIN');

CREATE TABLE "User" (
  "id"        SERIAL         NOT NULL,
  "email"     TEXT           NOT NULL,
  "name"      TEXT           NOT NULL,
  "role"      "Role"         NOT NULL DEFAULT 'MEMBER',
  "balance"   DECIMAL(12, 2) NOT NULL DEFAULT 0,
  "createdAt" TIMESTAMP(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "Post" (
  "id"          SERIAL       NOT NULL,
  "title"       TEXT         NOT NULL,
  "published"   BOOLEAN      NOT NULL DEFAULT false,
  "publishedAt" TIMESTAMP(3),
  "authorId"    INTEGER      NOT NULL,
  CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "User_email_key" ON "User" ("email");
CREATE INDEX "Post_authorId_idx" ON "Post" ("authorId");
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey"
  FOREIGN KEY ("authorId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE;
