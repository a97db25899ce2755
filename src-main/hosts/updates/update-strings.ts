/**
 * The words of the update dialogs, in the app's two languages. They are shown by the Electron main
 * process (native dialogs), which has no access to the renderer's catalogue, so they live here.
 */

/** The update dialogs' words. */
export interface UpdateStrings {
  offerTitle: string;
  offerMessage(version: string, current: string): string;
  offerDetail: string;
  download: string;
  notNow: string;
  readyTitle: string;
  readyMessage(version: string): string;
  readyDetail: string;
  restart: string;
  atQuit: string;
  skip: string;
  upToDateTitle: string;
  upToDateMessage(current: string): string;
  failedTitle: string;
  failedDetail: string;
  ok: string;
}

const en: UpdateStrings = {
  offerTitle: 'Update available',
  offerMessage: (version, current) => `Odoo Change Monitor ${version} is available (you have ${current}).`,
  offerDetail: 'Download it now? You will be asked again before it is installed.',
  download: 'Download',
  notNow: 'Not Now',
  readyTitle: 'Update ready',
  readyMessage: (version) => `Version ${version} has been downloaded.`,
  readyDetail: 'Restart now to install it, or let it install when you quit the app.',
  restart: 'Restart and Install',
  atQuit: 'Install When I Quit',
  skip: 'Don’t Install',
  upToDateTitle: 'No update',
  upToDateMessage: (current) => `You have the latest version (${current}).`,
  failedTitle: 'Could not check for updates',
  failedDetail: 'Check the network connection, or try again later. The app keeps working as it is.',
  ok: 'OK',
};

const ar: UpdateStrings = {
  offerTitle: 'يتوفر تحديث',
  offerMessage: (version, current) => `يتوفر الإصدار ${version} من مراقب تغييرات أودو (لديك الإصدار ${current}).`,
  offerDetail: 'هل تريد تنزيله الآن؟ سيُطلب إذنك مرة أخرى قبل تثبيته.',
  download: 'تنزيل',
  notNow: 'ليس الآن',
  readyTitle: 'التحديث جاهز',
  readyMessage: (version) => `نُزِّل الإصدار ${version}.`,
  readyDetail: 'أعد التشغيل الآن لتثبيته، أو دعه يُثبَّت عند إغلاق التطبيق.',
  restart: 'إعادة التشغيل والتثبيت',
  atQuit: 'التثبيت عند الإغلاق',
  skip: 'عدم التثبيت',
  upToDateTitle: 'لا يوجد تحديث',
  upToDateMessage: (current) => `لديك أحدث إصدار (${current}).`,
  failedTitle: 'تعذّر التحقق من وجود تحديثات',
  failedDetail: 'تحقّق من الاتصال بالشبكة، أو حاول لاحقًا. يبقى التطبيق يعمل كما هو.',
  ok: 'حسنًا',
};

/** The dialogs' words in `language` (English for any other). */
export function updateStrings(language: string): UpdateStrings {
  return language === 'ar' ? ar : en;
}
