-- The table of schema.prisma, as `prisma migrate dev` would create it.
-- The example runs this script itself, in the database it creates for the run.
CREATE TABLE `Note` (
  `id`        INTEGER      NOT NULL AUTO_INCREMENT,
  `text`      VARCHAR(200) NOT NULL,
  `createdAt` DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
