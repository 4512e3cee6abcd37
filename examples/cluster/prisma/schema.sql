-- The table of schema.prisma, as `prisma migrate dev` would create it.
-- The example runs this script itself, with search_path set to its own schema.
CREATE TABLE "Hit" (
  "id"        SERIAL       NOT NULL,
  "worker"    INTEGER      NOT NULL,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "Hit_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "Hit_worker_idx" ON "Hit" ("worker");
