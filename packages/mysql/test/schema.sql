-- The tables of test/prisma/schema.prisma, as Prisma Migrate would create them.
-- Run inside the test's own database.
CREATE TABLE `AllTypes` (
  `id` INTEGER NOT NULL AUTO_INCREMENT,
  `str` VARCHAR(191) NOT NULL,
  `strNull` VARCHAR(191) NULL,
  `int` INTEGER NOT NULL,
  `bigInt` BIGINT NOT NULL,
  `float` DOUBLE NOT NULL,
  `decimal` DECIMAL(65, 30) NOT NULL,
  `bool` BOOLEAN NOT NULL,
  `dateTime` DATETIME(3) NOT NULL,
  `json` JSON NOT NULL,
  `jsonNull` JSON NULL,
  `bytes` LONGBLOB NOT NULL,
  `role` ENUM('USER', 'ADMIN', 'GUEST') NOT NULL,
  `roleNull` ENUM('USER', 'ADMIN', 'GUEST') NULL,
  `tinyInt` TINYINT NOT NULL,
  `uTinyInt` TINYINT UNSIGNED NOT NULL,
  `smallInt` SMALLINT NOT NULL,
  `uSmallInt` SMALLINT UNSIGNED NOT NULL,
  `mediumInt` MEDIUMINT NOT NULL,
  `uMediumInt` MEDIUMINT UNSIGNED NOT NULL,
  `intNative` INTEGER NOT NULL,
  `uInt` INTEGER UNSIGNED NOT NULL,
  `bigIntNative` BIGINT NOT NULL,
  `uBigInt` BIGINT UNSIGNED NOT NULL,
  `year` YEAR NOT NULL,
  `single` FLOAT NOT NULL,
  `double` DOUBLE NOT NULL,
  `decimalSmall` DECIMAL(10, 2) NOT NULL,
  `boolTinyInt` TINYINT NOT NULL,
  `boolBit` BIT(1) NOT NULL,
  `bits` BIT(12) NOT NULL,
  `char` CHAR(5) NOT NULL,
  `varchar` VARCHAR(40) NOT NULL,
  `text` TEXT NOT NULL,
  `tinyText` TINYTEXT NOT NULL,
  `mediumText` MEDIUMTEXT NOT NULL,
  `longText` LONGTEXT NOT NULL,
  `binary` BINARY(4) NOT NULL,
  `varBinary` VARBINARY(300) NOT NULL,
  `blob` BLOB NOT NULL,
  `tinyBlob` TINYBLOB NOT NULL,
  `mediumBlob` MEDIUMBLOB NOT NULL,
  `longBlob` LONGBLOB NOT NULL,
  `date` DATE NOT NULL,
  `dateNull` DATE NULL,
  `time` TIME(3) NOT NULL,
  `time0` TIME(0) NOT NULL,
  `dateTime0` DATETIME(0) NOT NULL,
  `dateTime1` DATETIME(1) NOT NULL,
  `dateTime2` DATETIME(2) NOT NULL,
  `dateTime4` DATETIME(4) NOT NULL,
  `dateTime5` DATETIME(5) NOT NULL,
  `dateTime6` DATETIME(6) NOT NULL,
  `timestamp0` TIMESTAMP(0) NOT NULL,
  `timestamp1` TIMESTAMP(1) NOT NULL,
  `timestamp2` TIMESTAMP(2) NOT NULL,
  `timestamp3` TIMESTAMP(3) NOT NULL,
  `timestamp4` TIMESTAMP(4) NOT NULL,
  `timestamp5` TIMESTAMP(5) NOT NULL,
  `timestamp6` TIMESTAMP(6) NOT NULL,
  PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `User` (
  `id` INTEGER NOT NULL AUTO_INCREMENT,
  `email` VARCHAR(40) NOT NULL,
  `name` VARCHAR(191) NOT NULL,
  `role` ENUM('USER', 'ADMIN', 'GUEST') NOT NULL DEFAULT 'USER',
  UNIQUE INDEX `User_email_key`(`email`),
  PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `Profile` (
  `id` INTEGER NOT NULL AUTO_INCREMENT,
  `bio` VARCHAR(191) NOT NULL,
  `userId` INTEGER NOT NULL,
  UNIQUE INDEX `Profile_userId_key`(`userId`),
  PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `Post` (
  `id` INTEGER NOT NULL AUTO_INCREMENT,
  `title` VARCHAR(191) NOT NULL,
  `views` INTEGER NOT NULL DEFAULT 0,
  `published` BOOLEAN NOT NULL DEFAULT false,
  `authorId` INTEGER NOT NULL,
  `createdAt` TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `Tag` (
  `id` INTEGER NOT NULL AUTO_INCREMENT,
  `name` VARCHAR(191) NOT NULL,
  UNIQUE INDEX `Tag_name_key`(`name`),
  PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `Counter` (
  `id` CHAR(36) NOT NULL,
  `name` VARCHAR(191) NOT NULL,
  `value` INTEGER NOT NULL DEFAULT 0,
  UNIQUE INDEX `Counter_name_key`(`name`),
  PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `_PostToTag` (
  `A` INTEGER NOT NULL,
  `B` INTEGER NOT NULL,
  UNIQUE INDEX `_PostToTag_AB_unique`(`A`, `B`),
  INDEX `_PostToTag_B_index`(`B`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

ALTER TABLE `Profile` ADD CONSTRAINT `Profile_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE `Post` ADD CONSTRAINT `Post_authorId_fkey` FOREIGN KEY (`authorId`) REFERENCES `User`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE `_PostToTag` ADD CONSTRAINT `_PostToTag_A_fkey` FOREIGN KEY (`A`) REFERENCES `Post`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE `_PostToTag` ADD CONSTRAINT `_PostToTag_B_fkey` FOREIGN KEY (`B`) REFERENCES `Tag`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
