/** Synthetic merchants by category; amounts in minor units (cents) as [min, max]. */
export interface MerchantSpec {
  name: string;
  category: string;
  range: readonly [number, number];
}

export const EVERYDAY_MERCHANTS: readonly MerchantSpec[] = [
  { name: "FreshMart Groceries", category: "Groceries", range: [1200, 14500] },
  { name: "Green Basket Market", category: "Groceries", range: [800, 9800] },
  { name: "Bean There Coffee", category: "Coffee Shops", range: [350, 1250] },
  { name: "Daily Grind Cafe", category: "Coffee Shops", range: [300, 980] },
  { name: "QuickFuel Station", category: "Gas", range: [2500, 7800] },
  { name: "Harborview Pharmacy", category: "Health", range: [600, 5400] },
  { name: "Metro Transit", category: "Transportation", range: [275, 2750] },
  { name: "RideNow", category: "Transportation", range: [900, 4200] },
];

export const CARD_MERCHANTS: readonly MerchantSpec[] = [
  { name: "Luigi's Trattoria", category: "Restaurants", range: [2400, 11800] },
  { name: "Sakura Sushi Bar", category: "Restaurants", range: [1800, 9600] },
  { name: "Burger Barn", category: "Fast Food", range: [850, 2600] },
  { name: "ShopAll Online", category: "Shopping", range: [1299, 18999] },
  { name: "Northside Hardware", category: "Home Improvement", range: [900, 24000] },
  { name: "PageTurner Books", category: "Shopping", range: [1099, 5600] },
  { name: "CinemaPlex", category: "Entertainment", range: [1200, 4800] },
  { name: "SkyWays Airlines", category: "Travel", range: [8900, 64000] },
  { name: "Comfort Inn & Suites", category: "Travel", range: [9900, 42000] },
  { name: "FreshMart Groceries", category: "Groceries", range: [1500, 16000] },
];

/** Monthly card subscriptions: fixed day of month, fixed price. */
export const SUBSCRIPTIONS: readonly { name: string; category: string; day: number; amount: number }[] = [
  { name: "FitLife Gym", category: "Fitness", day: 2, amount: 4500 },
  { name: "StreamFlix", category: "Subscriptions", day: 7, amount: 1549 },
  { name: "Spotlight Music", category: "Subscriptions", day: 12, amount: 1099 },
  { name: "CloudBox Storage", category: "Subscriptions", day: 22, amount: 299 },
];
